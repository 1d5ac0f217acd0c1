import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backlogValue, encodeValue, partitionOf, producedAtOf } from './payload.js';

test('a value is exactly the asked size, valid JSON, and carries its produce time', () => {
  const value = encodeValue(42, 200, 1_712_345_678_901.125);
  assert.equal(value.length, 200);
  assert.deepEqual(Object.keys(JSON.parse(value.toString())), ['ts', 'seq', 'pad']);
  assert.equal(producedAtOf(value), 1_712_345_678_901.125);
  assert.ok(Number.isNaN(producedAtOf(null)));
});

test('every key lives in one partition and partitions get equal shares of messages', () => {
  const counts = new Array(12).fill(0);
  const partitionOfKey = new Map<number, number>();
  for (let i = 0; i < 240_000; i++) {
    const p = partitionOf(i, 1000, 12);
    counts[p] += 1;
    const key = i % 1000;
    assert.equal(partitionOfKey.get(key) ?? p, p);
    partitionOfKey.set(key, p);
  }
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 240, `shares ${counts.join(', ')}`);
});

test('a backlog value has exactly the size asked for', () => {
  for (const bytes of [1, 16, 40]) assert.equal(backlogValue(123_456_789, bytes).length, bytes);
  assert.equal(backlogValue(42, 16).toString('latin1').trim(), '42');
});
