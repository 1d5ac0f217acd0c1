import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildRetryHeaders,
  parseRetryHeaders,
  RetryHeader,
  type RetryState,
  withoutRetryHeaders,
} from './retry-headers.js';

const state: RetryState = {
  attempt: 2,
  dueAt: 1_700_000_010_000,
  originalTopic: 'orders',
  originalPartition: 3,
  originalOffset: 41,
  originalTimestamp: 1_700_000_000_000,
  group: 'billing',
};
const asBuffers = (headers: Record<string, string | Buffer>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]));

test('retry headers keep the original ones, carry the state and the error, and parse back', () => {
  class PaymentDeclined extends Error {
    override name = 'PaymentDeclined';
  }
  const headers = buildRetryHeaders({ origin: Buffer.from('web') }, state, new PaymentDeclined('card expired'));
  assert.equal(headers.origin?.toString(), 'web');
  assert.equal(headers[RetryHeader.attempt], '2');
  assert.equal(headers[RetryHeader.dueAt], '1700000010000');
  assert.equal(headers[RetryHeader.originalTopic], 'orders');
  assert.equal(headers[RetryHeader.originalPartition], '3');
  assert.equal(headers[RetryHeader.originalOffset], '41');
  assert.equal(headers[RetryHeader.group], 'billing');
  assert.equal(headers[RetryHeader.errorClass], 'PaymentDeclined');
  assert.equal(headers[RetryHeader.errorMessage], 'card expired');
  assert.deepEqual(parseRetryHeaders(asBuffers(headers)), state);
});

test("a later stage replaces the earlier stage's headers instead of piling them up", () => {
  const first = asBuffers(buildRetryHeaders({ origin: Buffer.from('web') }, state, new Error('one')));
  const second = buildRetryHeaders(first, { ...state, attempt: 3 }, new Error('two'));
  assert.equal(second[RetryHeader.attempt], '3');
  assert.equal(second[RetryHeader.errorMessage], 'two');
  assert.deepEqual(Object.keys(withoutRetryHeaders(asBuffers(second))), ['origin']);
});

test('the core HandlerError is unwrapped; a long error text is cut', () => {
  const wrapped = Object.assign(new Error('X.on failed'), {
    name: 'HandlerError',
    cause: new TypeError('x'.repeat(900)),
  });
  const headers = buildRetryHeaders({}, state, wrapped);
  assert.equal(headers[RetryHeader.errorClass], 'TypeError');
  assert.equal(String(headers[RetryHeader.errorMessage]).length, 500);
  assert.equal(buildRetryHeaders({}, state, 'a string')[RetryHeader.errorMessage], 'a string');
});

test('missing or malformed retry headers read as no retry state at all', () => {
  const good = asBuffers(buildRetryHeaders({}, state, new Error('e')));
  assert.equal(parseRetryHeaders({}), undefined);
  for (const name of Object.values(RetryHeader).filter(
    (n) => n !== RetryHeader.errorClass && n !== RetryHeader.errorMessage,
  )) {
    const { [name]: _, ...without } = good;
    assert.equal(parseRetryHeaders(without), undefined, `without ${name}`);
  }
  assert.equal(parseRetryHeaders({ ...good, [RetryHeader.dueAt]: Buffer.from('soon') }), undefined);
  assert.equal(parseRetryHeaders({ ...good, [RetryHeader.attempt]: Buffer.from('0') }), undefined);
  assert.equal(parseRetryHeaders({ ...good, [RetryHeader.originalOffset]: Buffer.from('-1') }), undefined);
});
