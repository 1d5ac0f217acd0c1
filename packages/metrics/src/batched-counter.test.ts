import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { BatchedCounter } from './batched-counter.js';

test('batched increments appear in the counter when it is read, per label set, and are not counted twice', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'x_total', help: 'x', labelNames: ['outcome'], registers: [registry] });
  const batched = new BatchedCounter(counter);
  for (let i = 0; i < 5; i++) batched.add(['done'], (o) => ({ outcome: o }), 'done');
  batched.add(['skipped'], (o) => ({ outcome: o }), 'skipped', 2);

  const first = await counter.get();
  const byOutcome = (v: typeof first) => Object.fromEntries(v.values.map((x) => [x.labels.outcome, x.value]));
  assert.deepEqual(byOutcome(first), { done: 5, skipped: 2 });

  batched.add(['done'], (o) => ({ outcome: o }), 'done');
  assert.match(await registry.metrics(), /x_total\{outcome="done"\} 6/);
  assert.deepEqual(byOutcome(await counter.get()), { done: 6, skipped: 2 }, 'a second read adds nothing');
});
