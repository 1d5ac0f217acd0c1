import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResetSpec, planReset } from './reset-plan.js';

const watermarks = [
  { low: 0, high: 10 },
  { low: 5, high: 20 },
];

test('exactly one reset flag, each value checked', () => {
  assert.deepEqual(parseResetSpec({ toEarliest: true }), { kind: 'earliest' });
  assert.deepEqual(parseResetSpec({ shiftBy: '-3' }), { kind: 'shift', by: -3 });
  assert.deepEqual(parseResetSpec({ toDatetime: '2026-05-01T12:00:00Z' }), {
    kind: 'datetime',
    at: Date.UTC(2026, 4, 1, 12),
  });
  assert.throws(() => parseResetSpec({}), /give exactly one of/);
  assert.throws(() => parseResetSpec({ toLatest: true, toOffset: '3' }), /give exactly one of/);
  assert.throws(() => parseResetSpec({ toOffset: '-1' }), /--to-offset must be a non-negative integer, got "-1"/);
  assert.throws(() => parseResetSpec({ shiftBy: 'x' }), /--shift-by must be an integer/);
});

test('new offsets are clamped to [earliest, log end] and the requested one is kept', () => {
  const committed = [2, 6];
  const plan = (spec: Parameters<typeof planReset>[0], atTime?: Array<number | null>) =>
    planReset(spec, 't', [0, 1], committed, watermarks, atTime).map((r) => [r.next, r.requested]);
  assert.deepEqual(plan({ kind: 'earliest' }), [
    [0, undefined],
    [5, undefined],
  ]);
  assert.deepEqual(plan({ kind: 'latest' }), [
    [10, undefined],
    [20, undefined],
  ]);
  assert.deepEqual(plan({ kind: 'offset', offset: 15 }), [
    [10, 15],
    [15, undefined],
  ]);
  assert.deepEqual(plan({ kind: 'shift', by: -4 }), [
    [0, -2],
    [5, 2],
  ]);
  assert.deepEqual(plan({ kind: 'datetime', at: 0 }, [3, null]), [
    [3, undefined],
    [20, undefined],
  ]);
});

test('--shift-by needs a committed offset', () => {
  assert.throws(
    () => planReset({ kind: 'shift', by: 1 }, 't', [0, 1], [2, null], watermarks),
    /no committed offset on t\/1 to shift/,
  );
});
