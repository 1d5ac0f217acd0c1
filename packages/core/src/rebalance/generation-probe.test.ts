import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseProbeOffset, isRebalanceRefusal } from './generation-probe.js';

const at = (partition: number, offset: number) => ({ topic: 't', partition, offset });

test('the probe writes our own carried offset first: it is a genuine commit of our finished work', () => {
  const probe = chooseProbeOffset([at(3, 70)], [at(1, 10), at(3, 50)], new Set(['t/1']));
  assert.deepEqual(probe, at(3, 70));
});

test('otherwise it rewrites the committed offset of a partition we owned in the previous generation', () => {
  // Partition 0 moved to us from someone else (whose refused commit may be about to land): avoid it.
  const probe = chooseProbeOffset([], [at(0, 40), at(1, 10), at(2, 25)], new Set(['t/2', 't/9']));
  assert.deepEqual(probe, at(2, 25));
});

test('otherwise any committed offset; partitions never committed (negative offsets) are skipped', () => {
  assert.deepEqual(chooseProbeOffset([], [at(0, -1001), at(1, 12)], new Set(['t/0'])), at(1, 12));
});

test('nothing to probe with when no assigned partition has a committed offset', () => {
  assert.equal(chooseProbeOffset([], [at(0, -1001), at(1, -1001)], new Set()), undefined);
  assert.equal(chooseProbeOffset([], [], new Set()), undefined);
});

test('the refusals that mean "the group moved on" are told apart from other commit errors', () => {
  for (const code of [22, 25, 27]) assert.equal(isRebalanceRefusal(code), true, `code ${code}`);
  for (const code of [undefined, 7, 14, 15, 16, -185]) assert.equal(isRebalanceRefusal(code), false, `code ${code}`);
});
