import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import type { BrokerOptions } from './options.js';
import { startBrokerProcess } from './process-broker.js';

/** Where to reach Kafka: a real cluster from `KAFKA_BROKERS`, or an embedded one we started. */
export interface KafkaTarget {
  bootstrapServers: string;
  /** The embedded broker when we started one; undefined against real Kafka. */
  embedded?: EmbeddedBroker;
  stop(): Promise<void>;
}

/** `KAFKA_BROKERS` (comma-separated host:port list), trimmed; undefined when unset or blank. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.KAFKA_BROKERS?.trim();
  return value ? value : undefined;
}

/**
 * Everything that needs a broker goes through here: real Kafka when `KAFKA_BROKERS` is set,
 * otherwise an embedded broker (in-process, or in a child process with `inProcess: false`).
 */
export async function useKafka(options: BrokerOptions & { inProcess?: boolean } = {}): Promise<KafkaTarget> {
  const external = brokersFromEnv();
  if (external) return { bootstrapServers: external, stop: async () => {} };
  const { inProcess = true, ...brokerOptions } = options;
  const embedded = inProcess ? await startBroker(brokerOptions) : await startBrokerProcess(brokerOptions);
  return { bootstrapServers: embedded.bootstrapServers, embedded, stop: () => embedded.stop() };
}
