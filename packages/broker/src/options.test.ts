import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConfigError } from './errors.js';
import { parseTopicSpec, resolveBrokerOptions } from './options.js';

test('parseTopicSpec reads name:partitions and defaults to 6 partitions', () => {
  assert.deepEqual(parseTopicSpec('task-created:12'), { name: 'task-created', partitions: 12, replicationFactor: 1 });
  assert.equal(parseTopicSpec('orders').partitions, 6);
});

test('parseTopicSpec rejects a non-numeric partition count, naming the topic', () => {
  assert.throws(
    () => parseTopicSpec('x:abc'),
    (err: Error) => {
      assert.ok(err instanceof BrokerConfigError);
      assert.match(err.message, /--topic: partition count of "x" must be a positive integer, got "abc"/);
      return true;
    },
  );
  assert.throws(() => parseTopicSpec('x:0'), BrokerConfigError);
  assert.throws(() => parseTopicSpec('bad name:3'), /invalid topic name/);
});

test('resolveBrokerOptions validates counts and names the key', () => {
  assert.throws(() => resolveBrokerOptions({ brokers: 0 }), /brokers: expected an integer from 1 to 32, got 0/);
  assert.throws(
    () => resolveBrokerOptions({ brokers: 1, topics: [{ name: 't', partitions: 3, replicationFactor: 2 }] }),
    /topics\.t\.replicationFactor: 2 exceeds the broker count 1/,
  );
  const resolved = resolveBrokerOptions({ brokers: 3 });
  assert.equal(resolved.brokers, 3);
  assert.equal(resolved.initialRebalanceDelayMs, 0);
});
