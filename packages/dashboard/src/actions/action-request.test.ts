import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionRequestError, nextPaused, parsePauseRequest, parseReplayRequest } from './action-request.js';
import { bearerMatches, newActionToken } from './action-token.js';
import { controlUrl } from './control-forwarder.js';

const topics = new Map([['orders', 3]]);

test('parsePauseRequest takes a topic of the group and a partition it has', () => {
  assert.deepEqual(parsePauseRequest({ topic: 'orders' }, topics), { topic: 'orders' });
  assert.deepEqual(parsePauseRequest({ topic: 'orders', partition: 2 }, topics), { topic: 'orders', partition: 2 });
  assert.throws(() => parsePauseRequest({ topic: 'other' }, topics), /one of the group's topics \(orders\)/);
  assert.throws(() => parsePauseRequest({ topic: 'orders', partition: 3 }, topics), /0–2/);
  assert.throws(() => parsePauseRequest([], topics), ActionRequestError);
});

test('parseReplayRequest takes one of the group DLQ topics; a dry run unless execute is true', () => {
  assert.deepEqual(parseReplayRequest({ dlqTopic: 'orders.dlq' }, ['orders.dlq']), {
    dlqTopic: 'orders.dlq',
    execute: false,
  });
  assert.deepEqual(parseReplayRequest({ dlqTopic: 'orders.dlq', execute: true, filter: 'group=g' }, ['orders.dlq']), {
    dlqTopic: 'orders.dlq',
    execute: true,
    filter: 'group=g',
  });
  assert.throws(() => parseReplayRequest({ dlqTopic: 'x.dlq' }, ['orders.dlq']), /DLQ topics/);
  assert.throws(() => parseReplayRequest({ dlqTopic: 'orders.dlq', execute: 'yes' }, ['orders.dlq']), /boolean/);
});

test("nextPaused adds and removes, and a topic's resume ends its partitions' pauses", () => {
  let paused = nextPaused(new Set(), 'pause', { topic: 'orders', partition: 1 });
  paused = nextPaused(paused, 'pause', { topic: 'orders' });
  paused = nextPaused(paused, 'pause', { topic: 'ordersx', partition: 0 });
  assert.deepEqual([...paused].sort(), ['orders', 'orders/1', 'ordersx/0']);
  assert.deepEqual([...nextPaused(paused, 'resume', { topic: 'orders', partition: 1 })].sort(), [
    'orders',
    'ordersx/0',
  ]);
  assert.deepEqual([...nextPaused(paused, 'resume', { topic: 'orders' })], ['ordersx/0']);
});

test('tokens are 32 hex characters, compared as "Bearer <token>"; the control URL sits beside /metrics', () => {
  const token = newActionToken();
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.notEqual(token, newActionToken());
  assert.equal(bearerMatches(`Bearer ${token}`, token), true);
  assert.equal(bearerMatches(undefined, token), false);
  assert.equal(bearerMatches(`Bearer ${token.slice(1)}`, token), false);
  assert.equal(controlUrl('http://127.0.0.1:9464/metrics', 'pause'), 'http://127.0.0.1:9464/control/pause');
});
