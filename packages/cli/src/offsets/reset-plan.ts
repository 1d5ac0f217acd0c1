import type { Watermarks } from '@tributary/lag';
import { parseIsoTime, parseOffset } from '../kafka/positions.js';
import { UsageError } from '../usage-error.js';

/** Where `offsets reset` moves a group, as kafka-consumer-groups --reset-offsets names it. */
export type ResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'datetime'; at: number }
  | { kind: 'shift'; by: number };

export interface ResetFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  toDatetime?: string;
  shiftBy?: string;
}

const FLAGS = ['--to-earliest', '--to-latest', '--to-offset', '--to-datetime', '--shift-by'];

/** Exactly one of the --to-… / --shift-by flags, with its value checked. */
export function parseResetSpec(flags: ResetFlags): ResetSpec {
  const given = [flags.toEarliest, flags.toLatest, flags.toOffset, flags.toDatetime, flags.shiftBy].filter(
    (f) => f !== undefined && f !== false,
  ).length;
  if (given !== 1) throw new UsageError(`give exactly one of ${FLAGS.join(', ')}`);
  if (flags.toEarliest) return { kind: 'earliest' };
  if (flags.toLatest) return { kind: 'latest' };
  if (flags.toOffset !== undefined) return { kind: 'offset', offset: parseOffset('--to-offset', flags.toOffset) };
  if (flags.toDatetime !== undefined) return { kind: 'datetime', at: parseIsoTime('--to-datetime', flags.toDatetime) };
  const text = flags.shiftBy as string;
  if (!/^[+-]?\d+$/.test(text)) throw new UsageError(`--shift-by must be an integer (negative: back), got "${text}"`);
  return { kind: 'shift', by: Number(text) };
}

export interface ResetRow {
  topic: string;
  partition: number;
  /** The group's committed offset; null where it has none. */
  current: number | null;
  /** The new offset, inside [earliest, log end]. */
  next: number;
  /** What the spec asked for, where it was outside the log and so clamped. */
  requested?: number;
}

/**
 * The new offset of each partition. Offsets outside the log are clamped to [earliest, log end], as
 * Kafka's tool does; a time with no message at or after it is the log end; --shift-by moves the
 * committed offset, so a partition without one is an error naming it (Kafka's rule too).
 */
export function planReset(
  spec: ResetSpec,
  topic: string,
  partitions: number[],
  committed: Array<number | null>,
  watermarks: Watermarks[],
  atTime: Array<number | null> = [],
): ResetRow[] {
  return partitions.map((partition) => {
    const { low, high } = watermarks[partition] as Watermarks;
    const current = committed[partition] ?? null;
    let requested: number;
    switch (spec.kind) {
      case 'earliest':
        requested = low;
        break;
      case 'latest':
        requested = high;
        break;
      case 'offset':
        requested = spec.offset;
        break;
      case 'datetime':
        requested = atTime[partition] ?? high;
        break;
      case 'shift':
        if (current === null)
          throw new UsageError(`--shift-by: the group has no committed offset on ${topic}/${partition} to shift`);
        requested = current + spec.by;
        break;
    }
    const next = Math.min(Math.max(requested, low), high);
    return next === requested ? { topic, partition, current, next } : { topic, partition, current, next, requested };
  });
}
