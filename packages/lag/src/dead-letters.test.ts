import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dlqTopicsOf, heldMessages } from './dead-letters.js';

test('the DLQ topics of the sources are the `<topic>.dlq` that exist', () => {
  const existing = new Set(['task-created', 'task-created.dlq', 'task-completed', 'other.dlq']);
  assert.deepEqual(dlqTopicsOf(['task-created', 'task-completed', 'task-created'], existing), [
    ['task-created.dlq', 'task-created'],
  ]);
});

test('a topic holds Σ end − start: messages removed by retention are not counted', () => {
  assert.equal(
    heldMessages([
      { low: 0, high: 3 },
      { low: 40, high: 42 },
      { low: 0, high: 0 },
    ]),
    5,
  );
  // librdkafka answers -1 for the start of an empty partition on some brokers.
  assert.equal(heldMessages([{ low: -1, high: 0 }]), 0);
});
