import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotLanes, keyLaneStats, type LaneMessage } from './key-lanes.js';

const msg = (key: string, over: Partial<LaneMessage> = {}): LaneMessage => ({
  topic: 't',
  partition: 0,
  key,
  admittedAt: 1_000,
  failures: 0,
  partitionDoneAt: 0,
  ...over,
});

test('key lanes: oldest heads first, retrying lanes by how long, "others flow" only when the partition completed something since', () => {
  const now = 20_000;
  const running = new Map([
    ['t/0/k:a', msg('a', { admittedAt: 5_000 })],
    ['t/0/k:poison', msg('poison', { admittedAt: 2_000, failingSince: 2_100, failures: 9, partitionDoneAt: 19_000 })],
    ['t/0', msg('partition lane')], // partition ordering's lane: not a key lane
  ]);
  const queued = new Map([
    ['t/0/k:a', [msg('a'), msg('a')]],
    ['t/0/k:b', [msg('b', { admittedAt: 1_500 })]], // waiting for a slot: its head is queued
  ]);
  const stats = keyLaneStats({ running, queued }, new HotLanes(), 2, now);
  assert.equal(stats.lanes, 3);
  assert.deepEqual(
    stats.oldest.map((l) => [l.key, l.ageMs, l.queued]),
    [
      ['b', 18_500, 0],
      ['poison', 18_000, 0],
    ],
  );
  assert.deepEqual(
    stats.retrying.map((l) => [l.key, l.failingForMs, l.failures, l.othersFlowing]),
    [['poison', 17_900, 9, true]],
  );
  const stale = keyLaneStats(
    { running: new Map([['t/0/k:p', msg('p', { failingSince: 2_100, partitionDoneAt: 2_000 })]]), queued: new Map() },
    new HotLanes(),
    2,
    now,
  );
  assert.equal(stale.retrying[0]?.othersFlowing, false, 'nothing completed since it began failing');
});

test('hot lanes: sampled counts ×8 per second, busiest first, a new window after each take', () => {
  const hot = new HotLanes();
  for (let i = 0; i < 30; i++) hot.sample('t/0/k:x', { topic: 't', partition: 0, key: 'x' });
  for (let i = 0; i < 10; i++) hot.sample('t/1/k:y', { topic: 't', partition: 1, key: 'y' });
  hot.sample('t/1', { topic: 't', partition: 1, key: null }); // a partition lane is not counted
  const top = hot.take(5, Date.now() + 1_000);
  assert.deepEqual(
    top.map((h) => h.key),
    ['x', 'y'],
  );
  assert.ok(Math.abs((top[0]?.perSecond ?? 0) - 240) < 5, String(top[0]?.perSecond));
  assert.deepEqual(hot.take(5), []);
});
