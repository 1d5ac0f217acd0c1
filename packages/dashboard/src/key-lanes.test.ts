import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '@tributary/lag';
import { keyLanesView } from './key-lanes.js';

const s = (name: string, value: number, labels: Record<string, string> = {}): Sample => ({
  name,
  value,
  labels: { group: 'g', ...labels },
});
const lane = (key: string, partition = '0') => ({ topic: 't', partition, key });

test('keyLanesView sums the lanes, merges the lists largest first and keeps 5 per list per instance', () => {
  const a = [
    s('tributary_key_lanes', 12),
    s('tributary_key_lanes', 3, { group: 'other' }),
    ...Array.from({ length: 7 }, (_, i) => s('tributary_key_lane_age_seconds', i, lane(`k${i}`))),
    s('tributary_key_lane_retrying_seconds', 42, { ...lane('poison', '2'), others_flowing: 'true' }),
    s('tributary_hot_key_messages_per_second', 9.5, lane('busy')),
  ];
  const b = [s('tributary_key_lanes', 4), s('tributary_key_lane_age_seconds', 5.5, lane('b1', '3'))];
  const view = keyLanesView(
    [
      { instance: 'i1', samples: a },
      { instance: 'i2', samples: b },
    ],
    'g',
  );
  assert.ok(view);
  assert.equal(view.lanes, 16);
  assert.equal(view.instances, 2);
  assert.deepEqual(
    view.oldest.map((r) => `${r.instance}:${r.key}`),
    ['i1:k6', 'i2:b1', 'i1:k5', 'i1:k4', 'i1:k3', 'i1:k2'],
  );
  assert.deepEqual(view.retrying, [
    { instance: 'i1', topic: 't', partition: 2, key: 'poison', value: 42, othersFlowing: true },
  ]);
  assert.equal(view.hottest[0]?.key, 'busy');
});

test('keyLanesView is undefined for a group without key lanes', () => {
  assert.equal(
    keyLanesView([{ instance: 'i1', samples: [s('tributary_key_lanes', 1, { group: 'x' })] }], 'g'),
    undefined,
  );
  assert.equal(keyLanesView([], 'g'), undefined);
});
