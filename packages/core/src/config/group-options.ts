import { type GroupOptions, groupDefaults, type Ordering } from './schema.js';

export interface ResolvedGroupOptions {
  ordering: Ordering;
  concurrency: number;
  maxInFlight: number;
  /** Unset: an equal share of `maxInFlight` among the partitions owned at the time. */
  maxBufferedPerPartition?: number;
  batchSize: number;
  /**
   * The most one poll brings while the handlers keep up: `batchSize` when it was set, else half of
   * `maxInFlight`, so the other half is room for the poll that goes out ahead while this one's
   * messages are handled (`pollAheadSize`): then the fetch overlaps the work instead of following it.
   */
  idleBatchSize: number;
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

/**
 * In-memory messages per concurrent handler when `maxInFlight` is not set. In flight counts the
 * running messages too: with `maxInFlight` = concurrency no message waits ready behind a finishing
 * one, and refills (a fetch round trip, and a refetch after every backpressure pause) leave slots
 * idle. Measured (`sleep(10)` handler, key ordering, 12 partitions): concurrency 256 reached 0.34×
 * its limit with 1,000 in memory, 0.79× with 4,096; concurrency 1,000 0.08× → 0.47× with 16,000.
 */
export const IN_FLIGHT_PER_CONCURRENT_HANDLER = 16;

/** `maxInFlight` unless set: 1,000, or 16 per concurrent handler when concurrency is above 62. */
export function defaultMaxInFlight(concurrency: number): number {
  return Math.max(groupDefaults.maxInFlight, IN_FLIGHT_PER_CONCURRENT_HANDLER * concurrency);
}

export function resolveGroupOptions(options: GroupOptions): ResolvedGroupOptions {
  const concurrency = options.concurrency ?? groupDefaults.concurrency;
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight(concurrency);
  return {
    ...groupDefaults,
    ...options,
    concurrency,
    maxInFlight,
    maxBufferedPerPartition: options.maxBufferedPerPartition && Math.min(maxInFlight, options.maxBufferedPerPartition),
    batchSize: Math.min(options.batchSize ?? groupDefaults.batchSize, maxInFlight),
    idleBatchSize: Math.min(options.batchSize ?? Math.ceil(maxInFlight / 2), maxInFlight),
    rdkafka: options.rdkafka ?? {},
    middleware: options.middleware ?? [],
  };
}
