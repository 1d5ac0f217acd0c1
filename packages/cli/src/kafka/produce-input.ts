import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { OutgoingRecord } from '@tributary/lag';
import { UsageError } from '../usage-error.js';

/** What `--key`, `--header` and `--partition` give every record (a JSONL line's own fields win). */
export interface RecordDefaults {
  key?: string;
  headers: Array<[string, string]>;
  partition?: number;
}

/** `--header name=value` (the value may contain `=`). */
export function parseHeaderOption(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at < 1) throw new UsageError(`--header must be name=value, got "${text}"`);
  return [text.slice(0, at), text.slice(at + 1)];
}

const bytes = (headers: Array<[string, string]>): Array<[string, Buffer]> =>
  headers.map(([k, v]) => [k, Buffer.from(v)]);

/** The record for a value given on the command line: its text as it is. */
export function recordFromValue(topic: string, value: string, defaults: RecordDefaults): OutgoingRecord {
  return {
    topic,
    partition: defaults.partition,
    key: defaults.key === undefined ? null : Buffer.from(defaults.key),
    value: Buffer.from(value),
    headers: bytes(defaults.headers),
  };
}

/**
 * One JSONL line `{ "key"?: string, "value": …, "headers"?: { name: string }, "partition"?: n }`:
 * a string value is sent as its text, any other JSON value JSON-encoded, `null` as a tombstone.
 * A blank line is no record.
 */
export function recordFromJsonLine(
  topic: string,
  line: string,
  lineNumber: number,
  defaults: RecordDefaults,
): OutgoingRecord | undefined {
  if (!line.trim()) return undefined;
  const bad = (why: string) => new UsageError(`line ${lineNumber}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw bad('must be an object { key?, value, headers?, partition? }');
  const { key, value, headers, partition, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw bad(`unknown field ${unknown.join(', ')} (expected key, value, headers, partition)`);
  if (value === undefined) throw bad('has no "value"');
  if (key !== undefined && key !== null && typeof key !== 'string') throw bad('"key" must be a string');
  if (partition !== undefined && !(Number.isInteger(partition) && (partition as number) >= 0))
    throw bad('"partition" must be a non-negative integer');
  const lineHeaders: Array<[string, string]> = [];
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      throw bad('"headers" must be an object of strings');
    for (const [name, v] of Object.entries(headers)) {
      if (typeof v !== 'string') throw bad(`header "${name}" must be a string`);
      lineHeaders.push([name, v]);
    }
  }
  const names = new Set(lineHeaders.map(([name]) => name));
  const keyText = key === undefined ? defaults.key : (key as string | null);
  return {
    topic,
    partition: (partition as number | undefined) ?? defaults.partition,
    key: keyText === null || keyText === undefined ? null : Buffer.from(keyText),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: bytes([...defaults.headers.filter(([name]) => !names.has(name)), ...lineHeaders]),
  };
}

/** Every record of a JSONL file (`-`: standard input), all checked before anything is sent. */
export async function readJsonl(path: string, topic: string, defaults: RecordDefaults): Promise<OutgoingRecord[]> {
  const input = path === '-' ? process.stdin : createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`--file ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)),
    );
    input.once('end', () => resolve());
  });
  const records: OutgoingRecord[] = [];
  let lineNumber = 0;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const reading = (async () => {
    for await (const line of lines) {
      lineNumber++;
      const record = recordFromJsonLine(topic, line, lineNumber, defaults);
      if (record) records.push(record);
    }
  })();
  await Promise.all([reading, opened]);
  return records;
}
