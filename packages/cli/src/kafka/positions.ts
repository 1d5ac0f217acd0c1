import type { OffsetReader, Watermarks } from '@tributary/lag';
import { UsageError } from '../usage-error.js';

/** Where a read starts in each partition, as `--from` says it. */
export type FromSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'time'; at: number };

/** An ISO 8601 date or date-time (`2026-05-01`, `2026-05-01T12:00:00Z`) as epoch ms, else a usage error naming `flag`. */
export function parseIsoTime(flag: string, text: string): number {
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(at))
    throw new UsageError(`${flag} must be an ISO time such as 2026-05-01T12:00:00Z, got "${text}"`);
  return at;
}

/** A non-negative integer, else a usage error naming `flag`. */
export function parseOffset(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

export function parseFrom(text: string): FromSpec {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: Number(text) };
  if (/^\d{4}-/.test(text)) return { kind: 'time', at: parseIsoTime('--from', text) };
  throw new UsageError(`--from must be earliest, latest, an offset or an ISO time, got "${text}"`);
}

/**
 * The first offset to read in each of `partitions`: an offset is kept inside the log (earliest to
 * end); a time is the first message at or after it (ListOffsets by time), the end where none is.
 */
export async function startOffsets(
  reader: OffsetReader,
  topic: string,
  partitionCount: number,
  partitions: number[],
  spec: FromSpec,
  watermarks: Watermarks[],
): Promise<number[]> {
  const atTime = spec.kind === 'time' ? await reader.offsetsForTime(topic, partitionCount, spec.at) : [];
  return partitions.map((partition) => {
    const { low, high } = watermarks[partition] as Watermarks;
    if (spec.kind === 'earliest') return low;
    if (spec.kind === 'latest') return high;
    if (spec.kind === 'offset') return Math.min(Math.max(spec.offset, low), high);
    return atTime[partition] ?? high;
  });
}

/** `--partition p` checked against the topic: every partition when not given. */
export function selectPartitions(topic: string, partitionCount: number, partition: string | undefined): number[] {
  if (partition === undefined) return Array.from({ length: partitionCount }, (_, p) => p);
  const p = parseOffset('--partition', partition);
  if (p >= partitionCount)
    throw new UsageError(`--partition ${p}: topic ${topic} has ${partitionCount} partitions (0–${partitionCount - 1})`);
  return [p];
}
