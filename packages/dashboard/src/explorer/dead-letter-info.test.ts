import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadLetterInfo } from './dead-letter-info.js';
import { renderText } from './render-bytes.js';

const headers = (pairs: Record<string, string | Buffer>) =>
  Object.entries(pairs).map(([name, value]) => ({ name, value: renderText(value) }));

test('the failure of a dead letter, from the headers deadLetter() writes', () => {
  const info = deadLetterInfo(
    headers({
      source: 'task-producer',
      'x-tributary-dlq-original-topic': 'task-created',
      'x-tributary-dlq-original-partition': '2',
      'x-tributary-dlq-original-offset': '41',
      'x-tributary-dlq-group': 'notification-service',
      'x-tributary-dlq-handler': 'TaskNotifications.onCreated',
      'x-tributary-dlq-error-class': 'DeserializationError',
      'x-tributary-dlq-error-message': 'value is not JSON',
      'x-tributary-dlq-attempts': '1',
      'x-tributary-dlq-failed-at': '2026-01-01T00:00:00.000Z',
    }),
  );
  assert.deepEqual(info, {
    errorClass: 'DeserializationError',
    errorMessage: 'value is not JSON',
    origin: 'task-created/2@41',
    group: 'notification-service',
    handler: 'TaskNotifications.onCreated',
    attempts: '1',
    failedAt: '2026-01-01T00:00:00.000Z',
  });
});

test('a message without DLQ headers is not a dead letter', () => {
  assert.equal(deadLetterInfo(headers({ traceparent: '00-abc-01' })), undefined);
  assert.equal(deadLetterInfo([]), undefined);
});
