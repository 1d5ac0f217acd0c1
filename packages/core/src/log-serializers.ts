import { isUtf8 } from 'node:buffer';
import type { Headers } from './message.js';
import { relativeStack } from './stack-paths.js';

/**
 * How much of a message's payload may reach a log line. `none` (the default): the value's size and
 * the header names, never their bytes (payloads carry personal data; logs are kept longer and read
 * by more people than topics). `truncated`: the first {@link TRUNCATED_BYTES} bytes of the value,
 * header names. `full`: the value and the header values. Never a byte array, in any mode.
 */
export type LogPayloads = 'none' | 'truncated' | 'full';
export const LOG_PAYLOADS = ['none', 'truncated', 'full'] as const;

/** How many bytes of a value `truncated` shows. */
export const TRUNCATED_BYTES = 64;

// How far into an error's fields the serializer follows objects; deeper ones become '[Object]'.
const MAX_DEPTH = 5;

/**
 * Bytes as log text: `[N bytes]` under `none`, followed by the first bytes under `truncated`, all
 * of them under `full`. UTF-8 stays text, anything else is written as `base64:…`.
 */
export function bytesForLog(bytes: Uint8Array, mode: LogPayloads): string {
  const size = `[${bytes.byteLength} bytes]`;
  if (mode === 'none') return size;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shown = mode === 'truncated' ? buffer.subarray(0, TRUNCATED_BYTES) : buffer;
  const text = isUtf8(buffer)
    ? shown.toString('utf8').replace(/\uFFFD+$/, '') // a character cut in half by the truncation
    : `base64:${shown.toString('base64')}`;
  if (mode === 'full') return text;
  return `${size} ${text}${shown.byteLength < buffer.byteLength ? '…' : ''}`;
}

export interface PayloadLog {
  value: string | null;
  /** Header names, or (under `full`) names and values. */
  headers: string[] | Record<string, string>;
}

/**
 * A message's payload on its way into a log line (`{ payload: new LoggedPayload(message) }`). The
 * `payload` serializer of `createLogger` renders it per `logPayloads`; a logger without that
 * serializer writes the `none` rendering, so the message's bytes never leak through a foreign logger.
 */
export class LoggedPayload {
  readonly #message: { readonly rawValue: Buffer | null; readonly headers: Headers };

  constructor(message: { readonly rawValue: Buffer | null; readonly headers: Headers }) {
    this.#message = message;
  }

  render(mode: LogPayloads): PayloadLog {
    const { rawValue, headers } = this.#message;
    return {
      value: rawValue === null ? null : bytesForLog(rawValue, mode),
      headers:
        mode === 'full'
          ? Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, bytesForLog(value, 'full')]))
          : Object.keys(headers),
    };
  }

  toJSON(): PayloadLog {
    return this.render('none');
  }
}

/** pino serializers for `err` and `payload` that never write raw bytes (see {@link LogPayloads}). */
export function logSerializers(mode: LogPayloads): {
  err: (err: unknown) => unknown;
  payload: (p: unknown) => unknown;
} {
  return {
    err: (err) => serializeValue(err, mode, 0, new Set()),
    payload: (payload) =>
      payload instanceof LoggedPayload ? payload.render(mode) : serializeValue(payload, mode, 0, new Set()),
  };
}

const isError = (value: unknown): value is Error =>
  value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';

const causeOf = (err: Error): Error | undefined => (isError(err.cause) ? err.cause : undefined);

/**
 * Like pino's standard `err` serializer (type, message and stack with their causes, the error's own
 * fields), except that bytes are written per `mode`, a `headers` field by its names (unless `full`),
 * stack paths relative to the working directory, and a cause's text once.
 */
function serializeError(err: Error, mode: LogPayloads, depth: number, seen: Set<object>): Record<string, unknown> {
  seen.add(err);
  const out: Record<string, unknown> = {
    type: typeof err.constructor === 'function' ? err.constructor.name : err.name,
    message: messageWithCauses(err),
    stack: stackWithCauses(err),
  };
  if (Array.isArray((err as Partial<AggregateError>).errors)) {
    out.aggregateErrors = (err as AggregateError).errors.map((e) => serializeValue(e, mode, depth + 1, seen));
  }
  for (const key in err) {
    if (key === 'cause' || key in out) continue; // causes are in message and stack already
    const value = serializeValue((err as unknown as Record<string, unknown>)[key], mode, depth + 1, seen, key);
    if (value !== undefined) out[key] = value;
  }
  seen.delete(err);
  return out;
}

function serializeValue(value: unknown, mode: LogPayloads, depth: number, seen: Set<object>, key?: string): unknown {
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value))
    return bytesForLog(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), mode);
  if (value instanceof LoggedPayload) return value.render(mode);
  if (seen.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[Object]';
  if (isError(value)) return serializeError(value, mode, depth, seen);
  if (key === 'headers' && mode !== 'full') return headerNames(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return serializeValue(toJSON.call(value), mode, depth + 1, seen);
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item) => serializeValue(item, mode, depth + 1, seen));
  } else {
    const fields: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      const serialized = serializeValue(field, mode, depth + 1, seen, name);
      if (serialized !== undefined) fields[name] = serialized;
    }
    out = fields;
  }
  seen.delete(value);
  return out;
}

/** Names of headers as Tributary holds them (`{ name: bytes }`) or as librdkafka does (`[{ name: bytes }]`). */
function headerNames(headers: object): string[] {
  const entries: unknown[] = Array.isArray(headers) ? headers : [headers];
  return entries.flatMap((entry) => (entry && typeof entry === 'object' ? Object.keys(entry) : []));
}

// Wrappers that put their cause's text into their own message (HandlerError, DeserializationError)
// would otherwise have it written twice: pino's serializer appends every cause's message.
function messageWithCauses(err: Error): string {
  let message = err.message;
  const seen = new Set<Error>([err]);
  for (let cause = causeOf(err); cause && !seen.has(cause); cause = causeOf(cause)) {
    seen.add(cause);
    if (!message.includes(cause.message)) message = `${message}: ${cause.message}`;
  }
  return message;
}

/**
 * The stack and each cause's (`caused by: …`), without repeating what the line says already: a
 * cause whose text the message holds is named only, and the frames a cause shares with the stack
 * above it are counted, not listed (a decode error and its SyntaxError share all but two).
 */
function stackWithCauses(err: Error): string {
  let stack = relativeStack(err.stack ?? `${err.name}: ${err.message}`);
  let told = err.message;
  const seen = new Set<Error>([err]);
  for (let cause = causeOf(err); cause && !seen.has(cause); cause = causeOf(cause)) {
    seen.add(cause);
    let causeStack = relativeStack(cause.stack ?? `${cause.name}: ${cause.message}`);
    const header = `${cause.name}: ${cause.message}`;
    if (cause.message && told.includes(cause.message) && causeStack.startsWith(header)) {
      causeStack = cause.name + causeStack.slice(header.length);
    }
    stack = `${stack}\ncaused by: ${withoutFramesAbove(causeStack, stack)}`;
    told = `${told}\n${cause.message}`;
  }
  return stack;
}

/** `stack` with its frames from the first one `above` shows on cut, when `above` shows all of them. */
function withoutFramesAbove(stack: string, above: string): string {
  const lines = stack.split('\n');
  const shown = new Set(above.split('\n').filter((line) => line.startsWith('    at ')));
  const first = lines.findIndex((line) => shown.has(line));
  if (first < 0 || !lines.slice(first).every((line) => shown.has(line))) return stack;
  return [...lines.slice(0, first), `    … ${lines.length - first} frames as above`].join('\n');
}
