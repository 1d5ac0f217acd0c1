import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from './prometheus.js';
import { stuckKeyFindings } from './stuck-keys.js';

const retrying = (key: string, seconds: number, othersFlowing: boolean): Sample => ({
  name: 'tributary_key_lane_retrying_seconds',
  labels: { group: 'g', topic: 'orders', partition: '3', key, others_flowing: String(othersFlowing) },
  value: seconds,
});

test('a key retrying past the threshold while its partition flows is named; one whose partition is stuck too, or younger, is not', () => {
  assert.deepEqual(stuckKeyFindings([[retrying('c-1', 5, true), retrying('c-2', 60, false)]]), []);
  const [finding] = stuckKeyFindings([[retrying('c-1', 42, true)], [retrying('c-9', 12, true)]]);
  assert.equal(finding?.id, 'stuck-key');
  assert.match(finding?.title ?? '', /2 keys have been retrying .* \(longest: key "c-1" on orders\/3, 42 s\)/);
  assert.equal(finding?.evidence.length, 2);
});
