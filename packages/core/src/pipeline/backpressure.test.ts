import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BufferState, planBackpressure, pollAheadSize } from './backpressure.js';

const partition = (p: number, inMemory: number, paused = false): BufferState => ({
  tp: { topic: 't', partition: p },
  inMemory,
  paused,
});
const limits = { maxInFlight: 100, batchSize: 500 };

test('under pressure each partition gets an equal share; a full one is paused, the others keep fetching', () => {
  const states = [partition(0, 25), partition(1, 12), partition(2, 3), partition(3, 10)];
  const plan = planBackpressure(states, 50, limits);
  assert.deepEqual(plan.pause, [{ topic: 't', partition: 0 }]);
  assert.deepEqual(plan.resume, []);
  assert.equal(plan.fetchAtMost, 50, 'a poll may take all the room left, not just one share');
  assert.deepEqual(
    states.map((s) => s.paused),
    [true, false, false, false],
  );
});

test('below half the budget no partition is paused for its share (pausing drops what librdkafka prefetched)', () => {
  const states = [partition(0, 40), partition(1, 0)];
  const plan = planBackpressure(states, 40, limits);
  assert.deepEqual(plan.pause, []);
  assert.equal(plan.fetchAtMost, 60);
});

test('a paused partition resumes at half its share, or once memory is a quarter full (hysteresis)', () => {
  const states = [partition(0, 13, true), partition(1, 12, true), partition(2, 26)];
  const plan = planBackpressure(states, 51, { maxInFlight: 100, batchSize: 500, maxBufferedPerPartition: 25 });
  assert.deepEqual(plan.resume, [{ topic: 't', partition: 1 }]);
  assert.equal(states[0]?.paused, true);
  const relieved = [partition(0, 20, true), partition(1, 5)];
  assert.deepEqual(
    planBackpressure(relieved, 25, { maxInFlight: 100, batchSize: 500, maxBufferedPerPartition: 25 }).resume,
    [{ topic: 't', partition: 0 }],
  );
});

test('polls are as large as batchSize allows, whatever the partition count', () => {
  const many = Array.from({ length: 48 }, (_, p) => partition(p, 0));
  assert.equal(planBackpressure(many, 0, { maxInFlight: 1000, batchSize: 500 }).fetchAtMost, 500);
});

test('with the budget spent everything pauses, and a poll still happens (asking for 1)', () => {
  const states = [partition(0, 50), partition(1, 50)];
  const plan = planBackpressure(states, 100, limits);
  assert.equal(plan.pause.length, 2);
  assert.equal(plan.fetchAtMost, 1);
  // Nothing resumes while there is no room, however empty a partition is.
  const drained = [partition(0, 0, true), partition(1, 100, true)];
  assert.deepEqual(planBackpressure(drained, 100, limits).resume, []);
});

test('a poll never asks for more than the room left, so in-memory never passes maxInFlight', () => {
  for (let inMemory = 0; inMemory <= 100; inMemory += 7) {
    const plan = planBackpressure([partition(0, 0)], inMemory, {
      maxInFlight: 100,
      batchSize: 500,
      maxBufferedPerPartition: 100,
    });
    if (inMemory < 100) assert.ok(inMemory + plan.fetchAtMost <= 100, `at ${inMemory}: ${plan.fetchAtMost}`);
  }
});

test('an explicit maxBufferedPerPartition overrides the equal share', () => {
  const states = [partition(0, 20), partition(1, 19), partition(2, 500)];
  const plan = planBackpressure(states, 539, { maxInFlight: 1000, batchSize: 500, maxBufferedPerPartition: 20 });
  assert.deepEqual(plan.pause, [
    { topic: 't', partition: 0 },
    { topic: 't', partition: 2 },
  ]);
  assert.equal(plan.fetchAtMost, 461);
});

test('blocked: no room, or every partition paused; never with no partitions (that poll serves the assignment)', () => {
  assert.equal(planBackpressure([partition(0, 50), partition(1, 50)], 100, limits).blocked, true, 'no room');
  const allPaused = [partition(0, 40, true), partition(1, 30, true)];
  assert.equal(planBackpressure(allPaused, 70, limits).blocked, true, 'room, but nothing may fetch');
  assert.equal(planBackpressure([partition(0, 40, true), partition(1, 0)], 70, limits).blocked, false);
  assert.equal(planBackpressure([], 0, limits).blocked, false);
});

test('a held partition (app.pause, a seek) is never resumed by backpressure, and counts as not fetching', () => {
  const states: BufferState[] = [{ ...partition(0, 0, true), held: true }, partition(1, 0, true)];
  const plan = planBackpressure(states, 0, limits);
  assert.deepEqual(plan.resume, [{ topic: 't', partition: 1 }], 'only the one backpressure paused resumes');
  assert.equal(states[0]?.paused, true);
  const onlyHeld = planBackpressure([{ ...partition(0, 0, true), held: true }], 0, limits);
  assert.equal(onlyHeld.blocked, true, 'nothing can arrive: the poll only serves the group');
});

test('handlers that kept up (last poll all done) get polls of idleBatchSize; otherwise at most batchSize', () => {
  const limits = { maxInFlight: 1000, batchSize: 500, idleBatchSize: 1000 };
  assert.equal(planBackpressure([partition(0, 0), partition(1, 0)], 0, limits, 500).fetchAtMost, 1000);
  assert.equal(planBackpressure([partition(0, 0), partition(1, 0)], 0, limits, 0).fetchAtMost, 500, 'first poll');
  assert.equal(planBackpressure([partition(0, 1), partition(1, 0)], 1, limits, 500).fetchAtMost, 500);
  assert.equal(planBackpressure([partition(0, 0)], 0, { maxInFlight: 1000, batchSize: 500 }, 500).fetchAtMost, 500);
});

test('a poll goes out ahead only while the handlers keep up, sized by the room left', () => {
  const limits = { maxInFlight: 1000, batchSize: 500, idleBatchSize: 500 };
  const keptUp = { inMemoryBefore: 0, previousPollSize: 500, inMemory: 500, anyPaused: false };
  assert.equal(pollAheadSize(keptUp, limits), 500, 'the other half of the budget');
  assert.equal(pollAheadSize({ ...keptUp, inMemory: 800 }, limits), 200, 'never more than the room');
  assert.equal(pollAheadSize({ ...keptUp, inMemory: 1000 }, limits), 0, 'no room, no poll ahead');
  assert.equal(
    pollAheadSize({ ...keptUp, inMemoryBefore: 1 }, limits),
    0,
    'the last batch is not done: plan the next poll',
  );
  assert.equal(
    pollAheadSize({ ...keptUp, previousPollSize: 0 }, limits),
    0,
    'the first batch (or after an empty poll)',
  );
  assert.equal(
    pollAheadSize({ ...keptUp, anyPaused: true }, limits),
    0,
    'a paused partition waits for a planned poll to resume it',
  );
  assert.equal(pollAheadSize(keptUp, { maxInFlight: 1000, batchSize: 200 }), 200, 'without idleBatchSize: batchSize');
  const large = { maxInFlight: 60_000, batchSize: 5000, idleBatchSize: 5000 };
  assert.equal(
    pollAheadSize({ ...keptUp, inMemory: 5000 }, large),
    0,
    'a large batch: its poll cost is spread already',
  );
  assert.equal(pollAheadSize({ ...keptUp, inMemory: 800 }, large), 1000, 'after a small one: at most 1,000');
});
