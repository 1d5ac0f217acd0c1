import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentiles, spread } from './stats.js';

test('spread gives the median and the range, ignoring non-finite values', () => {
  assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.deepEqual(spread([5, Number.NaN]), { median: 5, min: 5, max: 5, n: 1 });
  assert.deepEqual(spread([4, 2]), { median: 3, min: 2, max: 4, n: 2 });
  assert.equal(spread([]).n, 0);
});

test('percentiles use the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(percentiles(values, [50, 99, 100]), [50, 99, 100]);
  assert.deepEqual(percentiles([7], [50, 99]), [7, 7]);
});
