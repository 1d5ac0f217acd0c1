import { BrokerConfigError } from './errors.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
}

export interface BrokerOptions {
  /** Number of brokers in the cluster (ids 1..n). Default 1. */
  brokers?: number;
  /** Topics created up front; unknown topics auto-create with 4 partitions on first use. */
  topics?: TopicSpec[];
  /** Classic protocol: how long the coordinator waits for more members before the first assignment. Default 0. */
  initialRebalanceDelayMs?: number;
  /** KIP-848 (`group.protocol=consumer`) heartbeat interval the coordinator hands out. Default 500. */
  consumerGroupHeartbeatIntervalMs?: number;
  /** KIP-848 session timeout. Default 10000 (the broker default is 45 s). */
  consumerGroupSessionTimeoutMs?: number;
}

export interface ResolvedBrokerOptions {
  brokers: number;
  topics: Required<TopicSpec>[];
  initialRebalanceDelayMs: number;
  consumerGroupHeartbeatIntervalMs: number;
  consumerGroupSessionTimeoutMs: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function positiveInt(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BrokerConfigError(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function validateTopic(spec: TopicSpec, key = 'topics'): Required<TopicSpec> {
  if (typeof spec?.name !== 'string' || !TOPIC_NAME.test(spec.name)) {
    throw new BrokerConfigError(key, `invalid topic name ${JSON.stringify(spec?.name)} (letters, digits, . _ -)`);
  }
  return {
    name: spec.name,
    partitions: positiveInt(`${key}.${spec.name}.partitions`, spec.partitions, 1, 10_000),
    replicationFactor: positiveInt(`${key}.${spec.name}.replicationFactor`, spec.replicationFactor ?? 1, 1, 100),
  };
}

/** Parses the CLI form `name:partitions` (partitions optional, default 6). */
export function parseTopicSpec(text: string): TopicSpec {
  const match = /^([^:]+)(?::(.*))?$/.exec(text);
  if (!match) throw new BrokerConfigError('--topic', `expected name[:partitions], got ${JSON.stringify(text)}`);
  const [, name, count] = match;
  const partitions = count === undefined ? 6 : Number(count);
  if (count !== undefined && !/^\d+$/.test(count)) {
    throw new BrokerConfigError('--topic', `partition count of "${name}" must be a positive integer, got "${count}"`);
  }
  return validateTopic({ name: name as string, partitions }, '--topic');
}

export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  const brokers = positiveInt('brokers', options.brokers ?? 1, 1, 32);
  return {
    brokers,
    topics: (options.topics ?? []).map((t) => {
      const topic = validateTopic(t);
      if (topic.replicationFactor > brokers) {
        throw new BrokerConfigError(
          `topics.${topic.name}.replicationFactor`,
          `${topic.replicationFactor} exceeds the broker count ${brokers}`,
        );
      }
      return topic;
    }),
    initialRebalanceDelayMs: positiveInt('initialRebalanceDelayMs', options.initialRebalanceDelayMs ?? 0, 0, 600_000),
    consumerGroupHeartbeatIntervalMs: positiveInt(
      'consumerGroupHeartbeatIntervalMs',
      options.consumerGroupHeartbeatIntervalMs ?? 500,
      10,
      600_000,
    ),
    consumerGroupSessionTimeoutMs: positiveInt(
      'consumerGroupSessionTimeoutMs',
      options.consumerGroupSessionTimeoutMs ?? 10_000,
      100,
      3_600_000,
    ),
  };
}
