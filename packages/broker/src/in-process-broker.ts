import type { EmbeddedBroker } from './broker.js';
import { BrokerOperationError } from './errors.js';
import { loadMockClusterApi, type Pointer } from './native.js';
import { type BrokerOptions, resolveBrokerOptions, type TopicSpec, validateTopic } from './options.js';

let warned = false;

/** Once per process: which group behaviours differ from Kafka without the coordinator patch. */
function warnStockCoordinator(libraryPath: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `${libraryPath} lacks Tributary's Kafka-faithful group coordinator (packages/broker/native; \`npm run setup\` ` +
      'builds it), so the classic consumer groups of the embedded broker differ from Kafka: commits are refused while a ' +
      'join round is open, every round waits session.timeout.ms - 1 s, static members rejoining get a new member id ' +
      'and force a rebalance, DescribeGroups/ListGroups are missing, and the coordinator does not move off a broker ' +
      'that is down. KIP-848 groups (group.protocol=consumer) are unaffected. And a fetch that finds nothing is ' +
      'answered only after its whole fetch.wait.max.ms, even when records arrive meanwhile.',
    { code: 'TRIBUTARY_STOCK_COORDINATOR' },
  );
}

/**
 * Starts librdkafka's mock cluster inside this process. Its brokers run on librdkafka threads,
 * so they keep serving while this process's event loop is busy.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const resolved = resolveBrokerOptions(options);
  const api = loadMockClusterApi();
  if (api.coordinatorVersion === 0) warnStockCoordinator(api.libraryPath);
  const handle = api.newHandle();
  const cluster = api.clusterNew(handle, resolved.brokers);
  if (!cluster) {
    api.destroyHandle(handle);
    throw new BrokerOperationError('rd_kafka_mock_cluster_new', -1);
  }
  api.groupInitialRebalanceDelayMs(cluster, resolved.initialRebalanceDelayMs);
  api.groupConsumerHeartbeatIntervalMs(cluster, resolved.consumerGroupHeartbeatIntervalMs);
  api.groupConsumerSessionTimeoutMs(cluster, resolved.consumerGroupSessionTimeoutMs);

  let stopped = false;
  const live = (): Pointer => {
    if (stopped) throw new Error('the embedded broker has been stopped');
    return cluster;
  };
  const check = (operation: string, code: number) => {
    if (code !== 0) throw new BrokerOperationError(operation, code);
  };
  const createTopic = async (spec: TopicSpec) => {
    const topic = validateTopic(spec);
    check(`createTopic(${topic.name})`, api.topicCreate(live(), topic.name, topic.partitions, topic.replicationFactor));
  };
  for (const topic of resolved.topics) await createTopic(topic);

  return {
    bootstrapServers: api.bootstraps(cluster),
    brokerCount: resolved.brokers,
    createTopic,
    deleteTopic: async (name) => check(`deleteTopic(${name})`, api.topicDelete(live(), name)),
    setBrokerDown: async (id) => check(`setBrokerDown(${id})`, api.brokerSetDown(live(), id)),
    setBrokerUp: async (id) => check(`setBrokerUp(${id})`, api.brokerSetUp(live(), id)),
    setRtt: async (id, ms) => check(`setRtt(${id})`, api.brokerSetRtt(live(), id, ms)),
    injectErrors: async (apiKey, codes) => api.pushRequestErrors(live(), apiKey, codes),
    clearErrors: async (apiKey) => api.clearRequestErrors(live(), apiKey),
    setCoordinator: async (groupId, id) =>
      check(`setCoordinator(${groupId})`, api.coordinatorSet(live(), 'group', groupId, id)),
    setPartitionLeader: async (topic, partition, id) =>
      check(`setPartitionLeader(${topic}/${partition})`, api.partitionSetLeader(live(), topic, partition, id)),
    async stop() {
      if (stopped) return;
      stopped = true;
      api.clusterDestroy(cluster);
      api.destroyHandle(handle);
    },
  };
}
