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

export const consumeOptionsSchema = z
  .strictObject({
    topic: topicSpec.optional(),
    topics: z.array(topicSpec).min(1).optional(),
    ordering: orderingSchema.optional(),
    decoder: z.union([z.enum(['json', 'string', 'buffer']), functionSchema('a decoder function')]).optional(),
    schema: z
      .custom<SchemaLike>((v) => typeof (v as SchemaLike)?.safeParse === 'function', 'expected a zod schema')
      .optional(),
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
  .refine((o) => (o.topic === undefined) !== (o.topics === undefined), 'give exactly one of topic or topics');

/** Normalizes `@Consume('t')`, `@Consume(['a','b'])` and `@Consume({ … })` to one shape. */
export function normalizeConsumeSpec(spec: unknown): unknown {
  if (typeof spec === 'string' || spec instanceof RegExp) return { topic: spec };
  if (Array.isArray(spec)) return { topics: spec };
  return spec;
}
