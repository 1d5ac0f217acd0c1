import { z } from 'zod';

export const orderingSchema = z.enum(['partition', 'key', 'unordered']);
export type Ordering = z.infer<typeof orderingSchema>;

// z.function() would wrap the value in a validating proxy; we need the class itself.
export const functionSchema = (what: string) => z.custom<Function>((v) => typeof v === 'function', `expected ${what}`);

const rdkafkaSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Consumer-group settings: on `@ConsumerGroup(id, options)` and/or `TributaryApp.create({ groups: { id: … } })`. */
export const groupOptionsSchema = z.strictObject({
  /** Ordering of every handler in the group unless a handler sets its own. */
  ordering: orderingSchema.optional(),
  /** Most handlers running at once in this group (key/unordered lanes, and partitions). */
  concurrency: positiveInt.optional(),
  /** Most messages held in memory by this group, buffered + running. */
  maxInFlight: positiveInt.optional(),
  /** A partition is paused at the consumer when it has this many messages in memory. */
  maxBufferedPerPartition: positiveInt.optional(),
  /**
   * Most messages fetched by one `consume(n)` call. Unset: 500 while messages are in memory, and up
   * to `maxInFlight` for a poll after the handlers finished everything the last one brought.
   */
  batchSize: positiveInt.optional(),
  commitIntervalMs: positiveInt.optional(),
  /** How long revoked partitions' in-flight handlers may run before `ctx.signal` aborts. */
  revokeTimeoutMs: positiveInt.optional(),
  rebalanceProtocol: z.enum(['eager', 'cooperative']).optional(),
  /** KIP-848: `consumer` uses the broker-side assignor (`group.protocol=consumer`). */
  groupProtocol: z.enum(['classic', 'consumer']).optional(),
  /** Static membership id (`group.instance.id`), e.g. `${group}-${HOSTNAME}`. */
  groupInstanceId: z.string().min(1).optional(),
  sessionTimeoutMs: positiveInt.optional(),
  heartbeatIntervalMs: positiveInt.optional(),
  maxPollIntervalMs: positiveInt.optional(),
  /** Where a group without a committed offset starts. */
  fromBeginning: z.boolean().optional(),
  /** Backoff of the core's own retry of a failed message: initial, doubled up to max. */
  retryBackoffMs: z.strictObject({ initial: positiveInt, max: positiveInt }).optional(),
  /** librdkafka properties passed through unchanged. */
  rdkafka: rdkafkaSchema.optional(),
  middleware: z.array(z.any()).optional(),
  /**
   * A subscribed topic the cluster does not have at start: `fail` (start() rejects naming it) or
   * `wait` (consume the topics that exist, keep checking, and consume the others once they do).
   */
  missingTopics: z.enum(['fail', 'wait']).optional(),
});
export type GroupOptions = z.infer<typeof groupOptionsSchema>;

export const groupDefaults = {
  ordering: 'partition' as Ordering,
  concurrency: 16,
  maxInFlight: 1000,
  // Not the whole budget: with 1,000 a poll let one resumed partition take all the room, and
  // partition ordering with a 10 ms handler paused ~400 times a second (974 → 690 msgs/s, bench
  // README finding 9), although fewer polls read a no-op backlog faster.
  batchSize: 500,
  commitIntervalMs: 1000,
  revokeTimeoutMs: 10_000,
  rebalanceProtocol: 'cooperative' as const,
  groupProtocol: 'classic' as const,
  sessionTimeoutMs: 45_000,
  maxPollIntervalMs: 300_000,
  fromBeginning: true,
  retryBackoffMs: { initial: 200, max: 30_000 },
  missingTopics: 'fail' as const,
};

export const appConfigSchema = z.strictObject({
  /** Comma-separated `host:port` list or an array; defaults to `KAFKA_BROKERS`. */
  brokers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  clientId: z.string().min(1).optional(),
  handlers: z.array(functionSchema('a class decorated with @ConsumerGroup')).min(1),
  /** A tsyringe container (usually a child container) to resolve handler classes from. */
  container: z.any().optional(),
  /** Instead of `container`: a `Resolver` (`resolve(cls)`, optional `dispose()`). */
  resolver: z
    .custom<object>((v) => typeof (v as { resolve?: unknown } | undefined)?.resolve === 'function', {
      message: 'expected an object with resolve(cls)',
    })
    .optional(),
  /** App-wide middleware, outermost. */
  middleware: z.array(z.any()).optional(),
  /** A pino logger, or options for the one Tributary creates. */
  logger: z.any().optional(),
  /** How much of a message's value and headers may reach a log line (default 'none': sizes and header names). */
  logPayloads: z.enum(['none', 'truncated', 'full']).optional(),
  /** Per-group overrides by group id, applied over the decorator's options. */
  groups: z.record(z.string(), groupOptionsSchema).optional(),
  /** librdkafka properties for every consumer (group `rdkafka` wins). */
  rdkafka: rdkafkaSchema.optional(),
  shutdownTimeoutMs: positiveInt.optional(),
  /** Awaited, in order, after every group stopped and before the process exits (e.g. close a producer). */
  onShutdown: z
    .union([functionSchema('a shutdown function'), z.array(functionSchema('a shutdown function'))])
    .optional(),
  /** Stop gracefully on SIGTERM/SIGINT (default true). */
  handleSignals: z.boolean().optional(),
  /** A tag for logs and metrics (e.g. the instance name). */
  instanceId: z.string().min(1).optional(),
  /** librdkafka `statistics.interval.ms` for metrics (0 = off). */
  statsIntervalMs: nonNegativeInt.optional(),
});
export type AppConfigInput = z.input<typeof appConfigSchema>;
