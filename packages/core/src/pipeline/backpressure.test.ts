import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BufferState, planBackpressure } from './backpressure.js';

const partition = (p: number, inMemory: number, paused = false): BufferState => ({
  tp: { topic: 't', partition: p },
  inMemory,
  paused,
});
const limits = { maxInFlight: 100, batchSize: 500 };

test('each partition gets an equal share; a full one is paused, the others keep fetching', () => {
  const states = [partition(0, 25), partition(1, 3), partition(2, 0), partition(3, 10)];
  const plan = planBackpressure(states, 38, limits);
  assert.deepEqual(plan.pause, [{ topic: 't', partition: 0 }]);
  assert.deepEqual(plan.resume, []);
  assert.equal(plan.fetchAtMost, 25, 'never more than one share per poll');
  assert.deepEqual(
    states.map((s) => s.paused),
    [true, false, false, false],
  );
});

test('a paused partition resumes at half its share, not before (hysteresis)', () => {
  const states = [partition(0, 13, true), partition(1, 12, true)];
  const plan = planBackpressure(states, 25, { maxInFlight: 50, batchSize: 500 });
  assert.deepEqual(plan.resume, [{ topic: 't', partition: 1 }]);
  assert.equal(states[0]?.paused, true);
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
  const states = [partition(0, 20), partition(1, 19)];
  const plan = planBackpressure(states, 39, { maxInFlight: 1000, batchSize: 500, maxBufferedPerPartition: 20 });
  assert.deepEqual(plan.pause, [{ topic: 't', partition: 0 }]);
  assert.equal(plan.fetchAtMost, 20);
});
