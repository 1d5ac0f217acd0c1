/**
 * The only file that touches librdkafka's C API. It loads the shared library that
 * `@confluentinc/kafka-javascript` builds (build/deps/librdkafka.so.1) through koffi and
 * declares the mock-cluster functions we use. Everything else talks to `MockClusterApi`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { BrokerNativeError } from './errors.js';

/** An opaque C pointer as koffi hands it back. */
export type Pointer = unknown;

export interface MockClusterApi {
  libraryPath: string;
  version(): string;
  /**
   * The version of Tributary's Kafka-faithful group coordinator in this build
   * (packages/broker/native), or 0 for a stock librdkafka.
   */
  coordinatorVersion: number;
  newHandle(): Pointer;
  destroyHandle(rk: Pointer): void;
  clusterNew(rk: Pointer, brokers: number): Pointer;
  clusterDestroy(mc: Pointer): void;
  bootstraps(mc: Pointer): string;
  topicCreate(mc: Pointer, topic: string, partitions: number, replicationFactor: number): number;
  topicDelete(mc: Pointer, topic: string): number;
  brokerSetDown(mc: Pointer, brokerId: number): number;
  brokerSetUp(mc: Pointer, brokerId: number): number;
  brokerSetRtt(mc: Pointer, brokerId: number, rttMs: number): number;
  pushRequestErrors(mc: Pointer, apiKey: number, errors: number[]): void;
  clearRequestErrors(mc: Pointer, apiKey: number): void;
  coordinatorSet(mc: Pointer, keyType: string, key: string, brokerId: number): number;
  partitionSetLeader(mc: Pointer, topic: string, partition: number, brokerId: number): number;
  groupInitialRebalanceDelayMs(mc: Pointer, ms: number): void;
  groupConsumerHeartbeatIntervalMs(mc: Pointer, ms: number): void;
  groupConsumerSessionTimeoutMs(mc: Pointer, ms: number): void;
}

/**
 * Where the binding's bundled librdkafka lands after `npm ci` (CKJS_LINKING=dynamic).
 * `TRIBUTARY_LIBRDKAFKA` points elsewhere (another build, or a test of the missing-build error).
 */
export function librdkafkaPath(): string {
  const override = process.env.TRIBUTARY_LIBRDKAFKA;
  if (override) {
    if (!existsSync(override))
      throw new BrokerNativeError(`librdkafka build missing: ${override} not found (TRIBUTARY_LIBRDKAFKA)`);
    return override;
  }
  let packageJson: string;
  try {
    packageJson = require.resolve('@confluentinc/kafka-javascript/package.json');
  } catch {
    throw new BrokerNativeError(
      'librdkafka build missing: @confluentinc/kafka-javascript is not installed (run `npm run setup`)',
    );
  }
  const path = join(dirname(packageJson), 'build', 'deps', 'librdkafka.so.1');
  if (!existsSync(path)) {
    throw new BrokerNativeError(`librdkafka build missing: ${path} not found (run \`npm run setup\`)`);
  }
  return path;
}

let cached: MockClusterApi | undefined;

export function loadMockClusterApi(): MockClusterApi {
  if (cached) return cached;
  const libraryPath = librdkafkaPath();
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(libraryPath);
  } catch (err) {
    throw new BrokerNativeError(`librdkafka build unusable: cannot load ${libraryPath}: ${(err as Error).message}`);
  }
  // Opaque handle types: koffi keeps them as pointers we never dereference.
  for (const name of ['rd_kafka_conf_t', 'rd_kafka_t', 'rd_kafka_mock_cluster_t']) koffi.opaque(name);
  const fn = (proto: string) => lib.func(proto);
  const confNew = fn('rd_kafka_conf_t *rd_kafka_conf_new()');
  const confSet = fn(
    'int rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, _Out_ uint8_t *errstr, size_t size)',
  );
  const kafkaNew = fn('rd_kafka_t *rd_kafka_new(int type, rd_kafka_conf_t *conf, _Out_ uint8_t *errstr, size_t size)');
  const kafkaDestroy = fn('void rd_kafka_destroy(rd_kafka_t *rk)');
  const versionStr = fn('const char *rd_kafka_version_str()');
  let coordinatorVersion = 0;
  try {
    coordinatorVersion = fn('int rd_kafka_mock_tributary_coordinator_version()')() as number;
  } catch {
    // A stock build: the function exists only with the patch.
  }
  const api = {
    clusterNew: fn('rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt)'),
    clusterDestroy: fn('void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mc)'),
    bootstraps: fn('const char *rd_kafka_mock_cluster_bootstraps(rd_kafka_mock_cluster_t *mc)'),
    topicCreate: fn('int rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mc, const char *topic, int pc, int rf)'),
    topicDelete: fn('int rd_kafka_mock_topic_delete(rd_kafka_mock_cluster_t *mc, const char *topic)'),
    brokerSetDown: fn('int rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t *mc, int32_t id)'),
    brokerSetUp: fn('int rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t *mc, int32_t id)'),
    brokerSetRtt: fn('int rd_kafka_mock_broker_set_rtt(rd_kafka_mock_cluster_t *mc, int32_t id, int rtt_ms)'),
    pushErrors: fn(
      'void rd_kafka_mock_push_request_errors_array(rd_kafka_mock_cluster_t *mc, int16_t api_key, size_t cnt, const int32_t *errors)',
    ),
    clearErrors: fn('void rd_kafka_mock_clear_request_errors(rd_kafka_mock_cluster_t *mc, int16_t api_key)'),
    coordinatorSet: fn(
      'int rd_kafka_mock_coordinator_set(rd_kafka_mock_cluster_t *mc, const char *key_type, const char *key, int32_t id)',
    ),
    partitionSetLeader: fn(
      'int rd_kafka_mock_partition_set_leader(rd_kafka_mock_cluster_t *mc, const char *topic, int32_t partition, int32_t id)',
    ),
    rebalanceDelay: fn('void rd_kafka_mock_group_initial_rebalance_delay_ms(rd_kafka_mock_cluster_t *mc, int32_t ms)'),
    heartbeatInterval: fn(
      'void rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(rd_kafka_mock_cluster_t *mc, int ms)',
    ),
    sessionTimeout: fn('void rd_kafka_mock_set_group_consumer_session_timeout_ms(rd_kafka_mock_cluster_t *mc, int ms)'),
  };

  const errorText = (buf: Buffer) => buf.toString('utf8', 0, Math.max(0, buf.indexOf(0)));
  cached = {
    libraryPath,
    version: () => versionStr() as string,
    coordinatorVersion,
    newHandle() {
      const c = confNew();
      const err = Buffer.alloc(512);
      // The handle only hosts the mock cluster; keep its own logging quiet.
      if (confSet(c, 'log_level', '3', err, err.length) !== 0) throw new BrokerNativeError(errorText(err));
      const handle = kafkaNew(0 /* RD_KAFKA_PRODUCER */, c, err, err.length);
      if (!handle) throw new BrokerNativeError(`rd_kafka_new failed: ${errorText(err)}`);
      return handle;
    },
    destroyHandle: (h) => kafkaDestroy(h),
    clusterNew: (h, n) => api.clusterNew(h, n),
    clusterDestroy: (m) => api.clusterDestroy(m),
    bootstraps: (m) => api.bootstraps(m) as string,
    topicCreate: (m, t, p, r) => api.topicCreate(m, t, p, r) as number,
    topicDelete: (m, t) => api.topicDelete(m, t) as number,
    brokerSetDown: (m, id) => api.brokerSetDown(m, id) as number,
    brokerSetUp: (m, id) => api.brokerSetUp(m, id) as number,
    brokerSetRtt: (m, id, ms) => api.brokerSetRtt(m, id, ms) as number,
    pushRequestErrors: (m, key, errors) => api.pushErrors(m, key, errors.length, Int32Array.from(errors)),
    clearRequestErrors: (m, key) => api.clearErrors(m, key),
    coordinatorSet: (m, type, key, id) => api.coordinatorSet(m, type, key, id) as number,
    partitionSetLeader: (m, t, p, id) => api.partitionSetLeader(m, t, p, id) as number,
    groupInitialRebalanceDelayMs: (m, ms) => api.rebalanceDelay(m, ms),
    groupConsumerHeartbeatIntervalMs: (m, ms) => api.heartbeatInterval(m, ms),
    groupConsumerSessionTimeoutMs: (m, ms) => api.sessionTimeout(m, ms),
  };
  return cached;
}
