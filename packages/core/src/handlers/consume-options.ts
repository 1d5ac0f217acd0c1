import { z } from 'zod';
import { functionSchema, orderingSchema } from '../config/schema.js';
import type { DecoderOption, SchemaLike } from '../decode.js';

export interface ConsumeOptions {
  topic?: string;
  topics?: string[];
  /** Overrides the group's ordering for this handler. */
  ordering?: z.infer<typeof orderingSchema>;
  /** `json` (default), `string`, `buffer`, or a function of the value bytes. */
  decoder?: DecoderOption;
  /** A zod schema (anything with `safeParse`): the handler receives the parsed value. */
  schema?: SchemaLike;
}

const topicName = z.string().trim().min(1, 'topic name must not be empty');

export const consumeOptionsSchema = z
  .strictObject({
    topic: topicName.optional(),
    topics: z.array(topicName).min(1).optional(),
    ordering: orderingSchema.optional(),
    decoder: z.union([z.enum(['json', 'string', 'buffer']), functionSchema('a decoder function')]).optional(),
    schema: z
      .custom<SchemaLike>((v) => typeof (v as SchemaLike)?.safeParse === 'function', 'expected a zod schema')
      .optional(),
  })
  .refine((o) => (o.topic === undefined) !== (o.topics === undefined), 'give exactly one of topic or topics');

/** Normalizes `@Consume('t')`, `@Consume(['a','b'])` and `@Consume({ … })` to one shape. */
export function normalizeConsumeSpec(spec: unknown): unknown {
  if (typeof spec === 'string') return { topic: spec };
  if (Array.isArray(spec)) return { topics: spec };
  return spec;
}
