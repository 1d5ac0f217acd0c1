import { z } from 'zod';
import { functionSchema, orderingSchema } from '../config/schema.js';
import type { DecoderOption, SchemaLike } from '../decode.js';

export interface ConsumeOptions {
  /** A topic, or a pattern (`/^orders\..+/`, or a string starting with `^`): topics created later are picked up. */
  topic?: string | RegExp;
  topics?: Array<string | RegExp>;
  /** Overrides the group's ordering for this handler. */
  ordering?: z.infer<typeof orderingSchema>;
  /** `json` (default), `string`, `buffer`, or a function of the value bytes. */
  decoder?: DecoderOption;
  /** A zod schema (anything with `safeParse`): the handler receives the parsed value. */
  schema?: SchemaLike;
  /**
   * Exactly-once consume-transform-produce: `ctx.send(...)` and the consumed offsets commit in one
   * Kafka transaction per batch (`true`, or the batch bounds). See README "Transactions".
   */
  transactional?: boolean | { maxMessages?: number; maxMs?: number };
}

/** Defaults of `@Consume({ transactional })`: a transaction per 100 messages or 100 ms. */
export const TRANSACTION_DEFAULTS = { maxMessages: 100, maxMs: 100 } as const;

const topicName = z.string().trim().min(1, 'topic name must not be empty');
/**
 * A topic pattern as librdkafka subscribes to it (a regex only when it starts with `^`), so the
 * routing (JavaScript's RegExp) and the subscription (librdkafka's) read the same thing.
 */
const topicSpec = z
  .union([topicName, z.instanceof(RegExp)])
  .superRefine((v, ctx) => {
    if (!(v instanceof RegExp)) return;
    if (!v.source.startsWith('^'))
      ctx.addIssue({
        code: 'custom',
        message: `topic pattern /${v.source}/ must start with ^ (librdkafka subscribes by regex only then)`,
      });
    if (v.flags !== '')
      ctx.addIssue({
        code: 'custom',
        message: `topic pattern /${v.source}/${v.flags} takes no flags (librdkafka has none)`,
      });
  })
  .transform((v) => (v instanceof RegExp ? v.source : v));

const consumeFields = {
  topic: topicSpec.optional(),
  topics: z.array(topicSpec).min(1).optional(),
  ordering: orderingSchema.optional(),
  decoder: z.union([z.enum(['json', 'string', 'buffer']), functionSchema('a decoder function')]).optional(),
  schema: z
    .custom<SchemaLike>((v) => typeof (v as SchemaLike)?.safeParse === 'function', 'expected a zod schema')
    .optional(),
};
const oneTopicSpec = (o: { topic?: unknown; topics?: unknown }) => (o.topic === undefined) !== (o.topics === undefined);
const ONE_TOPIC_SPEC = 'give exactly one of topic or topics';

export const consumeOptionsSchema = z
  .strictObject({
    ...consumeFields,
    transactional: z
      .union([
        z.boolean(),
        z.strictObject({
          maxMessages: z.number().int().min(1).optional(),
          maxMs: z.number().int().min(1).max(60_000).optional(),
        }),
      ])
      .optional(),
  })
  .refine(oneTopicSpec, ONE_TOPIC_SPEC);

/** `@ConsumeBatch` options: those of `@Consume` plus how a batch is formed. */
export interface ConsumeBatchOptions extends Omit<ConsumeOptions, 'transactional'> {
  /** Most messages in one batch. Default 100. */
  maxSize?: number;
  /**
   * How long a batch that has fewer than `maxSize` messages waits for more, from when its first
   * message arrived. Default 0: a batch is what has arrived when its lane is free (under load the
   * messages that queued while the previous batch ran). The wait holds no concurrency slot.
   */
  maxWaitMs?: number;
}

export const batchDefaults = { maxSize: 100, maxWaitMs: 0 };

export const consumeBatchOptionsSchema = z
  .strictObject({
    ...consumeFields,
    maxSize: z.number().int().positive().optional(),
    maxWaitMs: z.number().int().nonnegative().optional(),
  })
  .refine(oneTopicSpec, ONE_TOPIC_SPEC)
  .refine((o) => o.ordering !== 'unordered', {
    message: 'a batch holds messages of one partition or of one key: ordering must be partition or key',
    path: ['ordering'],
  });

/** Normalizes `@Consume('t')`, `@Consume(['a','b'])` and `@Consume({ … })` to one shape. */
export function normalizeConsumeSpec(spec: unknown): unknown {
  if (typeof spec === 'string' || spec instanceof RegExp) return { topic: spec };
  if (Array.isArray(spec)) return { topics: spec };
  return spec;
}
