import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RebalanceTimeline } from './rebalance-timeline.js';
import type { PartitionView } from './snapshot.js';

/** Owners per partition; `~name` is a member the coordinator names before its instance reports it. */
const owned = (owners: string[], offset = 0, lag = 5): PartitionView[] =>
  owners.map((owner, partition) => ({
    topic: 't',
    partition,
    currentOffset: offset,
    logEndOffset: offset + lag,
    lag,
    owner: owner.replace('~', ''),
    ownerSource: owner === '-' ? 'none' : owner.startsWith('~') ? 'member' : 'instance',
  }));

test('a hand-over in two rounds (a → nobody → b) is one event a → b, with the pause', () => {
  const timeline = new RebalanceTimeline();
  timeline.observe(0, owned(['a', 'a']));
  timeline.observe(1_000, owned(['a', '-']));
  timeline.observe(2_000, owned(['a', '~notification-service-b']));
  timeline.observe(3_000, owned(['a', 'b']));
  assert.deepEqual(timeline.all, [{ at: 3_000, moves: [{ partition: 't/1', from: 'a', to: 'b' }], pauseMs: 3_000 }]);
});

test('a partition that moves back soon after (b joins, then leaves) is a second event, not nothing', () => {
  const timeline = new RebalanceTimeline();
  timeline.observe(0, owned(['a', 'a']));
  timeline.observe(1_000, owned(['a', 'b'], 1));
  timeline.observe(4_000, owned(['a', '-'], 2));
  timeline.observe(5_000, owned(['a', 'a'], 3));
  assert.deepEqual(
    timeline.all.map((e) => e.moves),
    [[{ partition: 't/1', from: 'a', to: 'b' }], [{ partition: 't/1', from: 'b', to: 'a' }]],
  );
});
