import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TributaryConfigError } from '@tributary/core';
import {
  defaultRetryTopicName,
  nextStep,
  retryTopicsOf,
  stageOf,
  validateDelays,
  waitUntilDue,
} from './retry-schedule.js';

const delays = [1000, 10_000, 60_000];

test('one retry topic per delay, <topic>.retry.<n> from 1; a topic maps back to its stage', () => {
  assert.deepEqual(retryTopicsOf('orders', delays, defaultRetryTopicName), [
    'orders.retry.1',
    'orders.retry.2',
    'orders.retry.3',
  ]);
  assert.equal(stageOf('orders.retry.2', 'orders', delays, defaultRetryTopicName), 2);
  assert.equal(stageOf('orders', 'orders', delays, defaultRetryTopicName), 0, 'the original topic is stage 0');
  assert.equal(stageOf('orders.retry.4', 'orders', delays, defaultRetryTopicName), 0, 'past the delays: not ours');
  assert.equal(stageOf('billing.retry.1', 'orders', delays, defaultRetryTopicName), 0, 'headers of another topic');
  const custom = (topic: string, n: number) => `${topic}-audit-retry-${n}`;
  assert.equal(stageOf('orders-audit-retry-3', 'orders', delays, custom), 3);
});

test("a failure goes to the next retry topic, due after that topic's delay; after the last, to the DLQ", () => {
  const now = 1_700_000_000_000;
  const base = { delays, retryable: true, deadLetter: true, now };
  assert.deepEqual(nextStep({ ...base, stage: 0 }), { kind: 'retry', stage: 1, dueAt: now + 1000 });
  assert.deepEqual(nextStep({ ...base, stage: 1 }), { kind: 'retry', stage: 2, dueAt: now + 10_000 });
  assert.deepEqual(nextStep({ ...base, stage: 2 }), { kind: 'retry', stage: 3, dueAt: now + 60_000 });
  assert.deepEqual(nextStep({ ...base, stage: 3 }), { kind: 'dead-letter' });
  assert.deepEqual(nextStep({ ...base, stage: 3, deadLetter: false }), { kind: 'rethrow' });
  assert.deepEqual(nextStep({ ...base, stage: 0, retryable: false }), { kind: 'dead-letter' }, 'not worth retrying');
  assert.deepEqual(nextStep({ ...base, stage: 1, retryable: false, deadLetter: false }), { kind: 'rethrow' });
});

test('the wait until due: the rest of the delay rounded up, 0 once due', () => {
  assert.equal(waitUntilDue(10_000, 9_000), 1000);
  assert.equal(waitUntilDue(10_000, 9_999.2), 1, 'never a fraction early');
  assert.equal(waitUntilDue(10_000, 10_000), 0);
  assert.equal(waitUntilDue(10_000, 12_000), 0, 'overdue runs at once');
});

test('delays: a non-empty list of whole milliseconds; a bad one is named', () => {
  assert.deepEqual(validateDelays([0, 5]), [0, 5]);
  assert.throws(
    () => validateDelays([]),
    (e: unknown) => e instanceof TributaryConfigError && e.key === 'retryTopics.delays',
  );
  assert.throws(() => validateDelays(undefined), TributaryConfigError);
  assert.throws(
    () => validateDelays([1000, -1]),
    (e: unknown) => e instanceof TributaryConfigError && e.key === 'retryTopics.delays[1]',
  );
  assert.throws(
    () => validateDelays([1.5]),
    (e: unknown) => e instanceof TributaryConfigError && e.key === 'retryTopics.delays[0]',
  );
});
