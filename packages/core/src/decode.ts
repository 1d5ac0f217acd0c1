import { DeserializationError, type MessageCoordinates } from './errors.js';

/** Turns a message's value bytes into what the handler receives. Throw to reject the message. */
export type Decoder<T = unknown> = (value: Buffer | null, coordinates: MessageCoordinates) => T;

export type DecoderOption = 'json' | 'string' | 'buffer' | Decoder;

const decoders: Record<'json' | 'string' | 'buffer', Decoder> = {
  json: (value) => (value === null ? null : JSON.parse(value.toString('utf8'))),
  string: (value) => (value === null ? null : value.toString('utf8')),
  buffer: (value) => value,
};

export function resolveDecoder(option: DecoderOption = 'json'): Decoder {
  return typeof option === 'function' ? option : decoders[option];
}

/** Minimal shape of a zod schema, so core does not force a zod version on users. */
export interface SchemaLike<T = unknown> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
}

/**
 * Decodes once and validates against `schema` when given. Any failure becomes a
 * `DeserializationError` of this message — never an exception out of the poll loop.
 */
export function decodeValue(
  decoder: Decoder,
  schema: SchemaLike | undefined,
  value: Buffer | null,
  coordinates: MessageCoordinates,
): unknown {
  let decoded: unknown;
  try {
    decoded = decoder(value, coordinates);
  } catch (err) {
    throw new DeserializationError(coordinates, (err as Error).message ?? String(err), undefined, { cause: err });
  }
  if (!schema) return decoded;
  const result = schema.safeParse(decoded);
  if (!result.success) {
    throw new DeserializationError(coordinates, 'schema validation failed', result.error.issues);
  }
  return result.data;
}
