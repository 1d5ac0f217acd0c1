import type { PartitionOffsets } from './broker-state.js';
import { coordinates, type LogLine } from './log-lines.js';
import type { ProducedRecord } from './rate-producer.js';

/** What one scenario run measured; one row of the results table. */
export interface Measurement {
  /** Records the broker acknowledged. */
  produced: number;
  /** Of them: malformed, schema-invalid or poison (they belong in the DLQ). */
  invalid: number;
  /** Records with no final outcome in any consumer log (not counting those deleted by retention). */
  lost: number;
  /** Final outcomes logged more than once for the same record (redeliveries that ran again). */
  rawDuplicates: number;
  /** Of them: repeats of a record an abruptly ended process (SIGKILL, crash) had handled before. */
  crashDuplicates: number;
  /** Of them: the rest — repeats no crash explains (a graceful rebalance or stop that lost commits). */
  gracefulDuplicates: number;
  /** Side effects run more than once for the same business id. */
  effectDuplicates: number;
  /**
   * Of them: repeats of an effect whose earlier run was in a process killed before it recorded that
   * message's outcome: it died between the side effect and marking the id done, the window an
   * idempotency store cannot close (see `idempotent()`). At most one per handler running at the kill.
   */
  crashWindowEffects: number;
  /** Side-effect lines recorded at all (0: the app exposes no effect counter, effect duplicates unmeasured). */
  effectsRecorded: number;
  /** First handlings of a record after a later offset of the same key (same topic-partition) was handled. */
  keyOrderViolations: number;
  /** The same per partition (meaningful for partition ordering only). */
  partitionOrderViolations: number;
  /**
   * Longest time a partition made no progress although it had work waiting, counting only pauses
   * after which the same member went on without having given the partition up (it did not move): what a rebalance costs
   * partitions it should not touch.
   */
  maxPauseMs: number;
  /** The same over every partition, including those that moved to another member. */
  maxPauseAnyMs: number;
  /** Log-end minus committed offsets, summed over partitions, at the end. */
  finalLag: number;
  /** Records deleted by retention before anyone processed them (offset below the log start). */
  skippedByRetention: number;
  /** Offset resets the pipeline itself reported (`offsets.reset` events). */
  resetsReported: number;
  /** Invalid records that reached the DLQ topic (0 when the contender has no DLQ). */
  deadLettered: number;
  /** Invalid records that were dropped with nothing but a log line ("log and move on"). */
  droppedInvalid: number;
  /** Revocations (and lost assignments) seen by the members. */
  rebalanceEvents: number;
}

/** The analysis of what was produced against what the consumers logged and the broker holds. */
export function analyze(
  produced: Iterable<ProducedRecord>,
  lines: readonly LogLine[],
  offsets: ReadonlyMap<string, PartitionOffsets[]>,
  dlqCoordinates: ReadonlySet<string> = new Set(),
  crashed: ReadonlySet<string> = new Set(),
): Measurement {
  const records = [...produced];
  const byCoordinates = new Map(records.map((r) => [coordinates(r.topic, r.partition, r.offset), r]));
  const outcomes = lines.filter((l) => l.out !== undefined && l.t !== undefined);
  const seen = new Map<string, number>();
  for (const l of outcomes) {
    const c = coordinates(l.t as string, l.p as number, l.o as number);
    seen.set(c, (seen.get(c) ?? 0) + 1);
  }
  let lost = 0;
  let skippedByRetention = 0;
  for (const r of records) {
    const c = coordinates(r.topic, r.partition, r.offset);
    if (seen.has(c)) continue;
    const low = offsets.get(r.topic)?.[r.partition]?.low ?? 0;
    if (r.offset < low) skippedByRetention += 1;
    else lost += 1;
  }
  const effects = lines.filter((l) => l.effect !== undefined);
  const invalid = records.filter((r) => r.kind !== 'valid');
  return {
    produced: records.length,
    invalid: invalid.length,
    lost,
    rawDuplicates: outcomes.length - seen.size,
    ...duplicateCauses(outcomes, crashed),
    effectDuplicates: effects.length - new Set(effects.map((l) => l.effect)).size,
    crashWindowEffects: crashWindowEffects(effects, outcomes, crashed),
    effectsRecorded: effects.length,
    ...orderViolations(outcomes),
    ...maxPauses(outcomes, byCoordinates, revocations(lines)),
    finalLag: [...offsets.values()].reduce(
      (sum, partitions) => sum + partitions.reduce((s, o) => s + (o.high - Math.max(o.committed, o.low)), 0),
      0,
    ),
    skippedByRetention,
    resetsReported: lines.filter((l) => l.ev === 'offset-reset').length,
    deadLettered: invalid.filter((r) => dlqCoordinates.has(coordinates(r.topic, r.partition, r.offset))).length,
    droppedInvalid: outcomes.filter((l) => l.out === 'skipped-bad').length,
    rebalanceEvents: lines.filter((l) => l.ev === 'revoked' || l.ev === 'lost').length,
  };
}

/**
 * Repeated effects explained by a kill inside the effect's own window: the previous run of the same
 * id was in a crashed process, for a message (`at`) that process never recorded an outcome for.
 */
function crashWindowEffects(
  effects: readonly LogLine[],
  outcomes: readonly LogLine[],
  crashed: ReadonlySet<string>,
): number {
  const finished = new Set(outcomes.map((l) => `${l.i} ${coordinates(l.t as string, l.p as number, l.o as number)}`));
  const last = new Map<string, LogLine>();
  let count = 0;
  for (const l of [...effects].sort((a, b) => a.ts - b.ts)) {
    const before = last.get(l.effect as string);
    if (before?.at !== undefined && crashed.has(before.i) && !finished.has(`${before.i} ${before.at}`)) count += 1;
    last.set(l.effect as string, l);
  }
  return count;
}

/** When each member gave each partition up (revoked or lost), keyed `member topic/partition`. */
function revocations(lines: readonly LogLine[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  for (const l of lines) {
    if (l.ev !== 'revoked' && l.ev !== 'lost') continue;
    for (const tp of l.tps ?? []) {
      const key = `${l.i} ${tp}`;
      const list = at.get(key) ?? [];
      list.push(l.ts);
      at.set(key, list);
    }
  }
  return at;
}

/**
 * Per partition, the gaps between consecutive final outcomes during which the next record was
 * already acknowledged by the broker — time the partition stood still with work waiting. A gap
 * counts as "not moving" only if the same member processed both records and did not give the
 * partition up in between (a partition revoked and later assigned back did move, if only away).
 */
function maxPauses(
  outcomes: readonly LogLine[],
  produced: ReadonlyMap<string, ProducedRecord>,
  revoked: ReadonlyMap<string, number[]>,
): { maxPauseMs: number; maxPauseAnyMs: number } {
  const byPartition = new Map<string, LogLine[]>();
  for (const l of outcomes) {
    const key = `${l.t}/${l.p}`;
    const list = byPartition.get(key) ?? [];
    list.push(l);
    byPartition.set(key, list);
  }
  let maxPauseMs = 0;
  let maxPauseAnyMs = 0;
  for (const [tp, list] of byPartition) {
    list.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1] as LogLine;
      const after = list[i] as LogLine;
      const record = produced.get(coordinates(after.t as string, after.p as number, after.o as number));
      if (!record || record.ackedAt > before.ts) continue; // nothing was waiting: idle, not paused
      const gap = after.ts - before.ts;
      maxPauseAnyMs = Math.max(maxPauseAnyMs, gap);
      const stayed =
        after.i === before.i &&
        !(revoked.get(`${before.i} ${tp}`) ?? []).some((ts) => ts >= before.ts && ts <= after.ts);
      if (stayed) maxPauseMs = Math.max(maxPauseMs, gap);
    }
  }
  return { maxPauseMs, maxPauseAnyMs };
}

/**
 * Splits the repeats of each record: a repeat is crash-caused when a process that had handled the
 * record before it ended abruptly (the kit's SIGKILL, or a crash) — its uncommitted work is expected
 * to run again; any other repeat is graceful (nothing but lost or late commits explains it).
 */
function duplicateCauses(
  outcomes: readonly LogLine[],
  crashed: ReadonlySet<string>,
): { crashDuplicates: number; gracefulDuplicates: number } {
  const handlers = new Map<string, string[]>();
  let crashDuplicates = 0;
  let gracefulDuplicates = 0;
  for (const l of [...outcomes].sort((a, b) => a.ts - b.ts)) {
    const c = coordinates(l.t as string, l.p as number, l.o as number);
    const before = handlers.get(c);
    if (!before) {
      handlers.set(c, [l.i]);
      continue;
    }
    if (before.some((i) => crashed.has(i))) crashDuplicates += 1;
    else gracefulDuplicates += 1;
    before.push(l.i);
  }
  return { crashDuplicates, gracefulDuplicates };
}

/**
 * Order as the members handled records, over all of them in time: the first handling of a record
 * whose offset is below one already handled for the same key (or partition) is a violation.
 * Repeats are left out (they are counted as duplicates): a redelivery replays from the committed
 * offset, it does not reorder.
 */
function orderViolations(outcomes: readonly LogLine[]): {
  keyOrderViolations: number;
  partitionOrderViolations: number;
} {
  const first = new Set<string>();
  const byKey = new Map<string, number>();
  const byPartition = new Map<string, number>();
  let keyOrderViolations = 0;
  let partitionOrderViolations = 0;
  for (const l of [...outcomes].sort((a, b) => a.ts - b.ts)) {
    const offset = l.o as number;
    const c = coordinates(l.t as string, l.p as number, offset);
    if (first.has(c)) continue;
    first.add(c);
    const tp = `${l.t}/${l.p}`;
    if ((byPartition.get(tp) ?? -1) > offset) partitionOrderViolations += 1;
    else byPartition.set(tp, offset);
    if (l.k === null || l.k === undefined) continue;
    const key = `${tp} ${l.k}`;
    if ((byKey.get(key) ?? -1) > offset) keyOrderViolations += 1;
    else byKey.set(key, offset);
  }
  return { keyOrderViolations, partitionOrderViolations };
}
