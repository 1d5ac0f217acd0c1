import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamResult } from '../worker/jobs.js';
import { analyseRebalance } from './rebalance-analysis.js';

/** A member's record from `[partition, offset, handledAt]` rows. */
function stream(rows: Array<[number, number, number]>): StreamResult {
  return {
    partition: Int32Array.from(rows.map((r) => r[0])),
    offset: Float64Array.from(rows.map((r) => r[1])),
    handledAt: Float64Array.from(rows.map((r) => r[2])),
    producedAt: Float64Array.from(rows.map((r) => r[2])),
    cpuMs: 0,
  };
}

/** Messages of `partition` every 10 ms from `from` to `to` (exclusive), offsets from `offset`. */
function steady(partition: number, from: number, to: number, offset = 0): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (let at = from, o = offset; at < to; at += 10, o++) rows.push([partition, o, at]);
  return rows;
}

test('a partition that stayed and kept flowing shows only its steady gap; one that moved shows its pause', () => {
  const first = stream([...steady(0, 0, 3000), ...steady(1, 0, 1500)]);
  // Partition 1 moves at 1500 ms and resumes on the second member at 2500 ms.
  const second = stream(steady(1, 2500, 3000, 150));
  const m = analyseRebalance(first, second, 1000, 3000, 0);
  assert.deepEqual(m.stayedGapMs, [10]);
  assert.deepEqual(m.movedGapMs, [1010]);
  assert.equal(m.baselineGapMs, 10);
  assert.equal(m.duplicates, 0);
  assert.equal(m.neverResumed, 0);
});

test('redelivered offsets count as duplicates, and a partition that never resumes is blocked until the end', () => {
  const first = stream([...steady(0, 0, 1200), ...steady(1, 0, 3000)]);
  // Partition 0 moves; the new owner starts again at offset 110: 110..119 were handled by the first member too.
  const second = stream(steady(0, 2000, 5000, 110));
  const m = analyseRebalance(first, second, 1000, 5000, 0);
  assert.equal(m.duplicates, 10);
  // Partition 1 stopped at 2990 ms for good: blocked for the rest of the window.
  assert.deepEqual(m.stayedGapMs, [5000 - 2990]);
  assert.deepEqual(m.movedGapMs, [2000 - 1190]);
});
