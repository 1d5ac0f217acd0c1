import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventRecord, type OutgoingRecord } from './rate-producer.js';

/** One message a verify run produces: `value` objects are written as JSON. */
export interface VerifyMessage {
  key: string | null;
  value: string | Buffer | object | null;
  headers?: Record<string, string>[];
}

/** Makes message number `n` (0, 1, 2, … across a scenario). */
export type MessageFactory = (n: number) => VerifyMessage;

/** Thrown when a `messages` source cannot be read; names the file or module. */
export class VerifyInputError extends Error {
  override readonly name = 'VerifyInputError';
}

function toRecord(m: VerifyMessage): OutgoingRecord {
  const value =
    m.value === null || typeof m.value === 'string' || Buffer.isBuffer(m.value) ? m.value : JSON.stringify(m.value);
  return { kind: 'valid', key: m.key, value, ...(m.headers ? { headers: m.headers } : {}) };
}

/** Lines of a JSONL file, each `{"key": …, "value": …, "headers"?: […]}`; used in turn, then from the top again. */
function fromJsonl(file: string): MessageFactory {
  let lines: VerifyMessage[];
  try {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as VerifyMessage);
  } catch (err) {
    throw new VerifyInputError(`messages file ${file}: ${(err as Error).message}`);
  }
  if (lines.length === 0) throw new VerifyInputError(`messages file ${file} has no lines`);
  return (n) => lines[n % lines.length] as VerifyMessage;
}

/** A module whose default (or `messages`) export is a MessageFactory. */
function fromModule(file: string): MessageFactory {
  let mod: { default?: unknown; messages?: unknown };
  try {
    mod = require(file);
  } catch (err) {
    throw new VerifyInputError(`messages module ${file}: ${(err as Error).message}`);
  }
  const factory = mod.messages ?? (mod.default as { default?: unknown })?.default ?? mod.default;
  if (typeof factory !== 'function')
    throw new VerifyInputError(`messages module ${file} exports no function (default or "messages")`);
  return factory as MessageFactory;
}

/**
 * The record builder of a run: the kit's generated events (`{"id":"e<n>","n":<n>}`, key `k<n mod 500>`)
 * by default, or the user's own from a JSONL file, a module, or a function.
 */
export function messageSource(source?: string | MessageFactory): (n: number) => OutgoingRecord {
  if (source === undefined) return (n) => eventRecord(n);
  const factory =
    typeof source === 'function'
      ? source
      : source.endsWith('.jsonl') || source.endsWith('.json')
        ? fromJsonl(resolve(source))
        : fromModule(resolve(source));
  return (n) => toRecord(factory(n));
}

/** A record no decoder accepts (not JSON, not UTF-8): the poison scenario mixes these in. */
export function undecodableRecord(n: number): OutgoingRecord {
  return { kind: 'malformed', key: `k${n % 500}`, value: Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x22]) };
}
