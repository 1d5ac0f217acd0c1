import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeContext } from '../testing/fake-context.js';
import { DlqHeader, dlqHeaders } from './dlq-headers.js';

test('DLQ headers keep the original headers and describe origin and failure', () => {
  const ctx = fakeContext();
  ctx.attempt = 3;
  class PaymentDeclined extends Error {
    override name = 'PaymentDeclined';
  }
  const headers = dlqHeaders(ctx, new PaymentDeclined('card expired'));
  assert.equal(headers.source?.toString(), 'test');
  assert.equal(headers[DlqHeader.originalTopic], 'task-created');
  assert.equal(headers[DlqHeader.originalPartition], '2');
  assert.equal(headers[DlqHeader.originalOffset], '41');
  assert.equal(headers[DlqHeader.originalTimestamp], '1700000000000');
  assert.equal(headers[DlqHeader.group], 'notification-service');
  assert.equal(headers[DlqHeader.errorClass], 'PaymentDeclined');
  assert.equal(headers[DlqHeader.errorMessage], 'card expired');
  assert.equal(headers[DlqHeader.attempts], '3');
  assert.match(String(headers[DlqHeader.errorStack]), /PaymentDeclined: card expired/);
});

test('the stack is truncated and validation issues travel as JSON', () => {
  const err = Object.assign(new Error('schema validation failed'), {
    issues: [{ path: ['title'], message: 'Required' }],
  });
  err.stack = 'x'.repeat(10_000);
  const headers = dlqHeaders(fakeContext(), err, 500);
  assert.equal(String(headers[DlqHeader.errorStack]).length, 500);
  assert.deepEqual(JSON.parse(String(headers[DlqHeader.validationIssues])), [{ path: ['title'], message: 'Required' }]);
});

test('a core HandlerError is unwrapped to the user error', () => {
  const userError = new TypeError('bad input');
  const wrapped = Object.assign(new Error('TaskHandlers.onCreated failed'), { name: 'HandlerError', cause: userError });
  assert.equal(dlqHeaders(fakeContext(), wrapped)[DlqHeader.errorClass], 'TypeError');
});

test('the stack header holds no absolute paths: they are relative to the working directory', () => {
  const err = new Error('boom');
  err.stack = [
    'Error: boom',
    `    at TaskHandlers.onCreated (${process.cwd()}/apps/service/dist/handlers.js:3:9)`,
    `    at async ${process.cwd()}/node_modules/@tributary/core/dist/pipeline/executor.js:88:19`,
  ].join('\n');
  assert.equal(
    dlqHeaders(fakeContext(), err)[DlqHeader.errorStack],
    [
      'Error: boom',
      '    at TaskHandlers.onCreated (apps/service/dist/handlers.js:3:9)',
      '    at async node_modules/@tributary/core/dist/pipeline/executor.js:88:19',
    ].join('\n'),
  );
  const real = String(dlqHeaders(fakeContext(), new Error('thrown here'))[DlqHeader.errorStack]);
  assert.match(real, /dlq-headers\.test\.js:\d+:\d+/);
  assert.doesNotMatch(real, /\(\/|at \//, 'no frame location starts at the root');
});
