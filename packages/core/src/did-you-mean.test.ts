import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestMatch, editDistance } from './did-you-mean.js';

test('edit distance counts insertions, deletions, substitutions and neighbour swaps as one each, ignoring case', () => {
  assert.equal(editDistance('concurency', 'concurrency'), 1);
  assert.equal(editDistance('concurrency', 'concurency'), 1);
  assert.equal(editDistance('batchSise', 'batchSize'), 1);
  assert.equal(editDistance('ordreing', 'ordering'), 1);
  assert.equal(editDistance('maxInflight', 'maxInFlight'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('the closest candidate is suggested only when it is close for the word length', () => {
  const keys = ['concurrency', 'commitIntervalMs', 'ordering', 'batchSize', 'maxInFlight'];
  assert.equal(closestMatch('concurency', keys), 'concurrency');
  assert.equal(closestMatch('comitIntervalMs', keys), 'commitIntervalMs');
  assert.equal(closestMatch('maxInflight', keys), 'maxInFlight');
  assert.equal(closestMatch('retries', keys), undefined);
  assert.equal(closestMatch('ordrs', ['orders', 'payments']), 'orders');
  assert.equal(closestMatch('abc', ['xyz']), undefined);
});
