/** A message a test hands to `testHandler` or produces with a `TestApp`. */
export interface InputMessage {
  /** Default (for `testHandler`): the handler class's only topic. */
  topic?: string;
  key?: string | Buffer | null;
  /** A Buffer or a string is sent as its bytes, `null` as a tombstone; anything else as JSON. */
  value: unknown;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

/** The value's bytes as a producer would send them (so the handler's decoder and schema run on them). */
export function encodeValue(value: unknown): Buffer | null {
  if (value === null) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value);
  return Buffer.from(JSON.stringify(value));
}

export function encodeKey(key: string | Buffer | null | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(key);
}

export function encodeHeaders(headers: Record<string, string | Buffer> = {}): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]));
}
