import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { BatchedHistogram } from './batched-histogram.js';

const buckets = [0.001, 0.01, 0.1, 1];
const labelsOf = (x: { g: string; h: string }) => ({ group: x.g, handler: x.h });

function pair() {
  const plainRegistry = new Registry();
  const batchedRegistry = new Registry();
  const config = { name: 'd_seconds', help: 'd', labelNames: ['group', 'handler'] as const, buckets };
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [plainRegistry] });
  const target = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [batchedRegistry] });
  return { plain, plainRegistry, batched: new BatchedHistogram(target), batchedRegistry, target };
}

test('batched observations read exactly as prom-client observing each value, per label set, bounds included', async () => {
  const { plain, plainRegistry, batched, batchedRegistry } = pair();
  const observations: Array<[string, string, number]> = [
    ['g1', 'A.on', 0.0005],
    ['g1', 'A.on', 0.001], // on a bound: that bucket (le is inclusive)
    ['g1', 'A.on', 0.05],
    ['g1', 'B.on', 2], // above every bound: +Inf only
    ['g2', 'A.on', 0.01],
    ['g1', 'A.on', 0.5],
  ];
  for (const [g, h, v] of observations) {
    plain.observe({ group: g, handler: h }, v);
    batched.observe([g, h], labelsOf, { g, h }, v);
  }
  assert.equal(await batchedRegistry.metrics(), await plainRegistry.metrics());

  // A second read adds nothing; later observations add to what was flushed, also onto a direct observe.
  assert.equal(await batchedRegistry.metrics(), await plainRegistry.metrics());
  plain.observe({ group: 'g1', handler: 'A.on' }, 0.02);
  batched.observe(['g1', 'A.on'], labelsOf, { g: 'g1', h: 'A.on' }, 0.02);
  assert.equal(await batchedRegistry.metrics(), await plainRegistry.metrics());
});

test('a label set prom-client already holds (observed directly) is added to, not replaced', async () => {
  const { plain, plainRegistry, batched, batchedRegistry, target } = pair();
  plain.observe({ group: 'g', handler: 'H' }, 0.2);
  target.observe({ group: 'g', handler: 'H' }, 0.2);
  plain.observe({ group: 'g', handler: 'H' }, 0.003);
  batched.observe(['g', 'H'], labelsOf, { g: 'g', h: 'H' }, 0.003);
  assert.equal(await batchedRegistry.metrics(), await plainRegistry.metrics());
  assert.match(await batchedRegistry.metrics(), /d_seconds_count\{group="g",handler="H"\} 2/);
});
