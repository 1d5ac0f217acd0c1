import type { GroupDescription } from '@tributary/core';
import type { Measurement } from './analysis.js';
import { type Check, effectChecks } from './run.js';

/**
 * What a verify run expects of the app. Defaults: nothing lost, no duplicate that no crash explains,
 * crash duplicates within the window the app's own settings allow, no effect duplicate (when the app
 * records effects), the order its groups promise, every commit at the log end, bad records in the DLQ.
 */
export interface Expectations {
  lost: number;
  gracefulDuplicates: number;
  /** Per SIGKILL; 'auto' = maxInFlight + the messages of two commit intervals at the produce rate. */
  crashDuplicatesPerKill: number | 'auto';
  effectDuplicates: number;
  /** Check key (and, for partition ordering, partition) order; 'auto' = as the app's ordering promises. */
  order: boolean | 'auto';
  finalLag: number;
  /** Bad records (poison scenario) must be found in `<topic>.dlq` with Tributary's error headers. */
  deadLetter: boolean;
}

export const DEFAULT_EXPECTATIONS: Expectations = {
  lost: 0,
  gracefulDuplicates: 0,
  crashDuplicatesPerKill: 'auto',
  effectDuplicates: 0,
  order: 'auto',
  finalLag: 0,
  deadLetter: true,
};

/**
 * The duplicate window of one SIGKILL from the app's settings: what it finished but had not
 * committed. Commits go out every `commitIntervalMs` and take a round trip, so up to two intervals
 * of work (at the full rate, though a member only has its share) plus everything in memory
 * (`maxInFlight`) can have finished since the last acknowledged commit.
 */
export function crashDuplicateBound(group: Pick<GroupDescription, 'maxInFlight' | 'commitIntervalMs'>, rate: number) {
  return group.maxInFlight + Math.ceil((rate * 2 * group.commitIntervalMs) / 1000);
}

export function verifyChecks(
  m: Measurement,
  e: Expectations,
  run: { group: GroupDescription; rate: number; kills: number; badRecords: boolean },
): Check[] {
  const perKill =
    e.crashDuplicatesPerKill === 'auto' ? crashDuplicateBound(run.group, run.rate) : e.crashDuplicatesPerKill;
  const crashBound = run.kills * perKill;
  const ordering = run.group.ordering;
  const keyOrder = e.order === true || (e.order === 'auto' && ordering !== 'unordered');
  const partitionOrder = e.order === true || (e.order === 'auto' && ordering === 'partition');
  return [
    { name: `lost ${m.lost} ≤ ${e.lost}`, ok: m.lost <= e.lost },
    {
      name: `graceful duplicates ${m.gracefulDuplicates} ≤ ${e.gracefulDuplicates}`,
      ok: m.gracefulDuplicates <= e.gracefulDuplicates,
    },
    {
      name: `crash duplicates ${m.crashDuplicates} ≤ ${crashBound}${run.kills > 0 ? ` (${run.kills} kills × ${perKill})` : ''}`,
      ok: m.crashDuplicates <= crashBound,
    },
    // A kill can strike each running handler between its effect and its id being marked done.
    ...(m.effectsRecorded > 0 ? effectChecks(m, e.effectDuplicates, run.kills * run.group.concurrency) : []),
    ...(keyOrder ? [{ name: `key order violations ${m.keyOrderViolations} = 0`, ok: m.keyOrderViolations === 0 }] : []),
    ...(partitionOrder
      ? [{ name: `partition order violations ${m.partitionOrderViolations} = 0`, ok: m.partitionOrderViolations === 0 }]
      : []),
    { name: `final lag ${m.finalLag} ≤ ${e.finalLag}`, ok: m.finalLag <= e.finalLag },
    { name: `skipped by retention ${m.skippedByRetention} = 0`, ok: m.skippedByRetention === 0 },
    ...(run.badRecords && e.deadLetter
      ? [{ name: `dead-lettered ${m.deadLettered} = bad records ${m.invalid}`, ok: m.deadLettered === m.invalid }]
      : []),
  ];
}
