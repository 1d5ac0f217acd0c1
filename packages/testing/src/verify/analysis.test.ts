import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from './analysis.js';
import type { LogLine } from './log-lines.js';
import type { ProducedRecord } from './rate-producer.js';

const produced = (offsets: number[], partition = 0): ProducedRecord[] =>
  offsets.map((offset) => ({ n: offset, id: `e${offset}`, kind: 'valid', topic: 't', partition, offset, ackedAt: 0 }));
const handled = (i: string, ts: number, o: number, k = 'a', p = 0): LogLine => ({
  i,
  ts,
  t: 't',
  p,
  o,
  k,
  out: 'done',
});
const offsets = new Map([['t', [{ low: 0, high: 3, committed: 3 }]]]);

test('a repeat of what a killed process handled is crash-caused; any other repeat is graceful', () => {
  const lines = [
    handled('m1', 1, 0),
    handled('m1', 2, 1),
    handled('m2', 3, 1),
    handled('m3', 4, 2),
    handled('m4', 5, 2),
  ];
  const m = analyze(produced([0, 1, 2]), lines, offsets, new Set(), new Set(['m1']));
  assert.equal(m.rawDuplicates, 2);
  assert.equal(m.crashDuplicates, 1); // offset 1: m1 was killed
  assert.equal(m.gracefulDuplicates, 1); // offset 2: m3 stopped gracefully
  assert.equal(m.lost, 0);
});

test('order: a first handling below an offset already handled for the key (or partition) is a violation; repeats are not', () => {
  const lines = [
    handled('m1', 1, 0, 'a'),
    handled('m1', 2, 2, 'b'),
    handled('m1', 3, 1, 'a'), // key a in order; partition order broken (1 after 2)
    handled('m2', 4, 0, 'a'), // a repeat: counted as a duplicate, not as disorder
  ];
  const m = analyze(produced([0, 1, 2]), lines, offsets);
  assert.equal(m.keyOrderViolations, 0);
  assert.equal(m.partitionOrderViolations, 1);
  const reversed = analyze(produced([0, 1, 2]), [handled('m1', 1, 2, 'a'), handled('m1', 2, 1, 'a')], offsets);
  assert.equal(reversed.keyOrderViolations, 1);
  assert.equal(reversed.lost, 1);
});

test('effects: duplicates counted per business id, and whether the app records effects at all', () => {
  const effects: LogLine[] = [
    { i: 'm1', ts: 1, effect: 'x' },
    { i: 'm2', ts: 2, effect: 'x' },
    { i: 'm2', ts: 3, effect: 'y' },
  ];
  const m = analyze(produced([]), effects, new Map());
  assert.equal(m.effectDuplicates, 1);
  assert.equal(m.effectsRecorded, 3);
  assert.equal(analyze(produced([]), [], new Map()).effectsRecorded, 0);
});

test('effects: a repeat is in the crash window only if a killed process ran it and never recorded its outcome', () => {
  const lines: LogLine[] = [
    // m1 (killed) ran x's effect for t/0@0 and died before recording the outcome: the window.
    { i: 'm1', ts: 1, effect: 'x', at: 't/0@0' },
    // m1 also ran y's effect and recorded the outcome of t/0@1: a repeat of y is a real duplicate.
    { i: 'm1', ts: 2, effect: 'y', at: 't/0@1' },
    handled('m1', 3, 1),
    // m3 (alive) ran z's effect without an outcome: no kill explains its repeat either.
    { i: 'm3', ts: 4, effect: 'z', at: 't/0@2' },
    { i: 'm2', ts: 5, effect: 'x', at: 't/0@0' },
    handled('m2', 6, 0),
    { i: 'm2', ts: 7, effect: 'y', at: 't/0@1' },
    { i: 'm2', ts: 8, effect: 'z', at: 't/0@2' },
  ];
  const m = analyze(produced([0, 1, 2]), lines, offsets, new Set(), new Set(['m1']));
  assert.equal(m.effectDuplicates, 3);
  assert.equal(m.crashWindowEffects, 1);
  // Without the coordinates nothing is explained.
  const bare = lines.map(({ at: _at, ...l }) => l);
  assert.equal(analyze(produced([0, 1, 2]), bare, offsets, new Set(), new Set(['m1'])).crashWindowEffects, 0);
});
