import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMaxInFlight, resolveGroupOptions } from './group-options.js';

test('maxInFlight follows concurrency unless set: 1,000 at the default concurrency, 16 per handler above', () => {
  assert.equal(resolveGroupOptions({}).maxInFlight, 1000);
  assert.equal(resolveGroupOptions({ concurrency: 64 }).maxInFlight, 1024);
  assert.equal(resolveGroupOptions({ concurrency: 1000 }).maxInFlight, 16_000);
  assert.equal(
    resolveGroupOptions({ concurrency: 1000, maxInFlight: 2000 }).maxInFlight,
    2000,
    'an explicit value wins',
  );
  assert.equal(defaultMaxInFlight(1), 1000);
});

test('batchSize and maxBufferedPerPartition never exceed maxInFlight', () => {
  const o = resolveGroupOptions({ maxInFlight: 100, batchSize: 500, maxBufferedPerPartition: 300 });
  assert.equal(o.batchSize, 100);
  assert.equal(o.maxBufferedPerPartition, 100);
});

test('idleBatchSize: half of maxInFlight (room for a poll ahead) unless batchSize is set, then batchSize (a set batchSize caps every poll)', () => {
  assert.equal(resolveGroupOptions({}).idleBatchSize, 500);
  assert.equal(resolveGroupOptions({ concurrency: 64 }).idleBatchSize, 512);
  assert.equal(resolveGroupOptions({ maxInFlight: 1 }).idleBatchSize, 1);
  assert.equal(resolveGroupOptions({ batchSize: 200 }).idleBatchSize, 200);
  assert.equal(resolveGroupOptions({ batchSize: 200 }).batchSize, 200);
});
