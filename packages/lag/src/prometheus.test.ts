import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile, parsePrometheus, sum } from './prometheus.js';

const text = `# HELP tributary_messages_processed_total Messages that reached a final outcome
# TYPE tributary_messages_processed_total counter
tributary_messages_processed_total{group="g",topic="a",partition="0",outcome="done"} 10
tributary_messages_processed_total{group="g",topic="a",partition="1",outcome="done"} 5
tributary_messages_processed_total{group="g",topic="a",partition="1",outcome="dead-lettered"} 2
tributary_odd{label="quote \\" and \\\\ backslash"} 1.5
tributary_plain 7
# TYPE tributary_handler_duration_seconds histogram
tributary_handler_duration_seconds_bucket{le="0.1",group="g",handler="H.on"} 0
tributary_handler_duration_seconds_bucket{le="0.25",group="g",handler="H.on"} 80
tributary_handler_duration_seconds_bucket{le="0.5",group="g",handler="H.on"} 100
tributary_handler_duration_seconds_bucket{le="+Inf",group="g",handler="H.on"} 100
tributary_handler_duration_seconds_sum{group="g",handler="H.on"} 20
tributary_handler_duration_seconds_count{group="g",handler="H.on"} 100
`;

test('parsePrometheus reads names, labels (with escapes) and values; comments are skipped', () => {
  const samples = parsePrometheus(text);
  assert.equal(samples.length, 11);
  assert.deepEqual(samples[0], {
    name: 'tributary_messages_processed_total',
    labels: { group: 'g', topic: 'a', partition: '0', outcome: 'done' },
    value: 10,
  });
  assert.deepEqual(samples[3]?.labels, { label: 'quote " and \\ backslash' });
  assert.deepEqual(samples[4], { name: 'tributary_plain', labels: {}, value: 7 });
});

test('sum adds the series of one name, optionally filtered by labels', () => {
  const samples = parsePrometheus(text);
  assert.equal(sum(samples, 'tributary_messages_processed_total'), 17);
  assert.equal(sum(samples, 'tributary_messages_processed_total', { partition: '1' }), 7);
  assert.equal(sum(samples, 'tributary_messages_processed_total', { outcome: 'done', partition: '1' }), 5);
  assert.equal(sum(samples, 'nothing'), 0);
});

test('histogramQuantile interpolates inside the bucket like PromQL histogram_quantile', () => {
  const samples = parsePrometheus(text);
  // 50th of 100 observations: in (0.1, 0.25] which holds 80 → 0.1 + 0.15 × 50/80.
  assert.ok(
    Math.abs(
      (histogramQuantile(samples, 'tributary_handler_duration_seconds', 0.5) as number) - (0.1 + (0.15 * 50) / 80),
    ) < 1e-9,
  );
  // 99th: in (0.25, 0.5] which holds 20 → 0.25 + 0.25 × 19/20.
  assert.ok(
    Math.abs(
      (histogramQuantile(samples, 'tributary_handler_duration_seconds', 0.99) as number) - (0.25 + (0.25 * 19) / 20),
    ) < 1e-9,
  );
  assert.equal(histogramQuantile(samples, 'no_such_histogram', 0.99), undefined);
  // Series of several instances are summed before the quantile is taken.
  const twice = [...samples, ...samples];
  assert.equal(
    histogramQuantile(twice, 'tributary_handler_duration_seconds', 0.99),
    histogramQuantile(samples, 'tributary_handler_duration_seconds', 0.99),
  );
});
