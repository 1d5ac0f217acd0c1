import type { StreamResult } from '../worker/jobs.js';

export interface RebalanceMeasure {
  /** Longest time between two handled messages, per partition that stayed with the first member. */
  stayedGapMs: number[];
  /** The same for partitions that moved to the joining member. */
  movedGapMs: number[];
  /** Longest gap per partition before the join (steady state), for comparison. */
  baselineGapMs: number;
  /** Messages handled more than once (by either member). */
  duplicates: number;
  /** Partitions that saw no message at all after the join. */
  neverResumed: number;
  /** The first member's longest event-loop block (ms) over its whole run. */
  firstLoopDelayMaxMs: number;
}

/**
 * Blocked time per partition around a member joining. `first` owned every partition before the
 * join at `joinAt`; a partition "moved" if the joining member handled any of its messages.
 * A partition's blocked time is its longest gap between handled messages in [joinAt, endAt]
 * (the stream is steady, so a long gap means the partition stood still).
 */
export function analyseRebalance(
  first: StreamResult,
  second: StreamResult | undefined,
  joinAt: number,
  endAt: number,
  baselineFrom: number,
): RebalanceMeasure {
  const byPartition = new Map<number, Array<{ at: number; member: 0 | 1; offset: number }>>();
  const seen = new Set<string>();
  let duplicates = 0;
  const add = (s: StreamResult, member: 0 | 1) => {
    for (let i = 0; i < s.handledAt.length; i++) {
      const partition = s.partition[i] as number;
      const key = `${partition}@${s.offset[i]}`;
      if (seen.has(key)) duplicates += 1;
      seen.add(key);
      const at = s.handledAt[i] as number;
      if (at > endAt) continue;
      let rows = byPartition.get(partition);
      if (!rows) {
        rows = [];
        byPartition.set(partition, rows);
      }
      rows.push({ at, member, offset: s.offset[i] as number });
    }
  };
  add(first, 0);
  if (second) add(second, 1);
  const measure: RebalanceMeasure = {
    stayedGapMs: [],
    movedGapMs: [],
    baselineGapMs: 0,
    duplicates,
    neverResumed: 0,
    firstLoopDelayMaxMs: first.loopDelayMaxMs ?? Number.NaN,
  };
  for (const rows of byPartition.values()) {
    rows.sort((a, b) => a.at - b.at);
    let gap = 0;
    let last: number | undefined;
    for (const row of rows) {
      if (row.at >= baselineFrom && row.at < joinAt && last !== undefined && last >= baselineFrom) {
        measure.baselineGapMs = Math.max(measure.baselineGapMs, row.at - last);
      }
      if (row.at >= joinAt && last !== undefined) gap = Math.max(gap, row.at - Math.max(last, joinAt));
      last = row.at;
    }
    const tail = rows[rows.length - 1];
    const moved = rows.some((r) => r.member === 1);
    if (!tail || tail.at < joinAt) measure.neverResumed += 1;
    // A partition that stopped for good before the end was blocked until the end.
    if (tail && endAt - tail.at > 1000) gap = Math.max(gap, endAt - Math.max(tail.at, joinAt));
    (moved ? measure.movedGapMs : measure.stayedGapMs).push(gap);
  }
  return measure;
}
