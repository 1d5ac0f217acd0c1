import { type GroupOptions, groupDefaults, type Ordering } from './schema.js';

export interface ResolvedGroupOptions {
  ordering: Ordering;
  concurrency: number;
  maxInFlight: number;
  /** Unset: an equal share of `maxInFlight` among the partitions owned at the time. */
  maxBufferedPerPartition?: number;
  batchSize: number;
  commitIntervalMs: number;
  revokeTimeoutMs: number;
  rebalanceProtocol: 'eager' | 'cooperative';
  groupProtocol: 'classic' | 'consumer';
  groupInstanceId?: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs?: number;
  maxPollIntervalMs: number;
  fromBeginning: boolean;
  retryBackoffMs: { initial: number; max: number };
  rdkafka: Record<string, string | number | boolean>;
  missingTopics: 'fail' | 'wait';
  /** The group's middleware: the decorator's, or a `groups[id].middleware` override. */
  middleware: unknown[];
}

export function resolveGroupOptions(options: GroupOptions): ResolvedGroupOptions {
  const maxInFlight = options.maxInFlight ?? groupDefaults.maxInFlight;
  return {
    ...groupDefaults,
    ...options,
    maxInFlight,
    maxBufferedPerPartition: options.maxBufferedPerPartition && Math.min(maxInFlight, options.maxBufferedPerPartition),
    batchSize: Math.min(options.batchSize ?? groupDefaults.batchSize, maxInFlight),
    rdkafka: options.rdkafka ?? {},
    middleware: options.middleware ?? [],
  };
}
