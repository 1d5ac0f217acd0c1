import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TributaryError } from '@tributary/core';
import { DeadLetterError } from './dead-letter/dead-letter.js';
import { IdempotencyBusyError } from './idempotency/idempotent.js';
import { ProduceError } from './producer/tributary-producer.js';

test("middleware errors are Tributary's: instanceof TributaryError, with their names and fields", () => {
  const cause = new Error('poison');
  const deadLetter = new DeadLetterError('cannot dead-letter t/0@3 to t.dlq: timed out', { cause });
  const produce = new ProduceError('t.dlq', -185, 'Local: Message timed out');
  const busy = new IdempotencyBusyError('idempotency key e-1 is being processed elsewhere');
  for (const err of [deadLetter, produce, busy]) {
    assert.ok(err instanceof TributaryError, err.name);
    assert.ok(err instanceof Error, err.name);
  }
  assert.deepEqual(
    [deadLetter.name, produce.name, busy.name],
    ['DeadLetterError', 'ProduceError', 'IdempotencyBusyError'],
  );
  assert.equal(deadLetter.cause, cause);
  assert.equal(produce.topic, 't.dlq');
  assert.equal(produce.code, -185);
  assert.equal(produce.message, 'produce to t.dlq failed: Local: Message timed out');
  assert.match(String(busy.stack), /^IdempotencyBusyError: idempotency key e-1/);
});
