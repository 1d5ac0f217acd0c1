import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetTracker, partitionKey } from './offset-tracker.js';

// The pipeline updates a partition's offsets through `offsetsOf` (once per partition run); by key
// here, where untracked partitions are ignored just as the pipeline skips their messages.
const delivered = (tracker: OffsetTracker, topic: string, partition: number, offset: number) =>
  tracker.offsetsOf(topic, partition)?.delivered(offset);
const markDone = (tracker: OffsetTracker, topic: string, partition: number, offset: number) =>
  tracker.offsetsOf(topic, partition)?.markDone(offset);

test('partitionKey combines topic and partition', () => {
  assert.equal(partitionKey('orders', 3), 'orders/3');
  assert.notEqual(partitionKey('orders', 1), partitionKey('orders', 11));
  assert.notEqual(partitionKey('orders', 1), partitionKey('orders-dlq', 1));
});

test('track / owns / forget', () => {
  const tracker = new OffsetTracker();
  assert.equal(tracker.owns('t', 0), false);
  tracker.track('t', 0);
  assert.equal(tracker.owns('t', 0), true);
  assert.equal(tracker.owns('t', 1), false, 'another partition of the same topic is not owned');
  assert.equal(tracker.owns('u', 0), false, 'the same partition of another topic is not owned');
  tracker.forget('t', 0);
  assert.equal(tracker.owns('t', 0), false);
  tracker.forget('t', 0); // forgetting twice is harmless
  tracker.forget('never', 9); // forgetting an unknown partition is harmless
  assert.equal(tracker.owns('t', 0), false);
});

test('a tracked partition with nothing delivered has nothing due', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  assert.deepEqual(tracker.due(), []);
  assert.equal(tracker.committedOffset('t', 0), undefined);
  assert.equal(tracker.incomplete('t', 0), 0);
});

test('track is idempotent: tracking again keeps existing offsets and commit state', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 10);
  delivered(tracker, 't', 0, 11);
  markDone(tracker, 't', 0, 10);
  tracker.committed([{ topic: 't', partition: 0, offset: 11 }]);

  tracker.track('t', 0);
  assert.equal(tracker.incomplete('t', 0), 1);
  assert.equal(tracker.committedOffset('t', 0), 11);
  assert.deepEqual(tracker.due(), []);
  assert.throws(() => delivered(tracker, 't', 0, 11), RangeError, 'offset history survived the second track()');
});

test('due() offers the committable offset, never past unfinished work', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 5);
  delivered(tracker, 't', 0, 6);
  delivered(tracker, 't', 0, 7);
  // Nothing done yet: the committable offset is the first delivered one (resume from 5).
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 5 }]);

  markDone(tracker, 't', 0, 7);
  markDone(tracker, 't', 0, 6);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 5 }], '5 is unfinished: 6 and 7 must wait');

  markDone(tracker, 't', 0, 5);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 8 }]);
});

test('due() only lists partitions whose committable moved past the last committed offset', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  tracker.track('t', 1);
  delivered(tracker, 't', 0, 0);
  delivered(tracker, 't', 1, 100);
  markDone(tracker, 't', 0, 0);
  markDone(tracker, 't', 1, 100);

  const first = tracker.due();
  assert.deepEqual(sortByPartition(first), [
    { topic: 't', partition: 0, offset: 1 },
    { topic: 't', partition: 1, offset: 101 },
  ]);
  tracker.committed(first);
  assert.equal(tracker.committedOffset('t', 0), 1);
  assert.equal(tracker.committedOffset('t', 1), 101);
  assert.deepEqual(tracker.due(), [], 'nothing moved since the commit');

  // Only partition 1 progresses.
  delivered(tracker, 't', 1, 101);
  markDone(tracker, 't', 1, 101);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 1, offset: 102 }]);

  // Delivering without completing does not move committable past the last commit.
  delivered(tracker, 't', 0, 1);
  delivered(tracker, 't', 0, 2);
  markDone(tracker, 't', 0, 2);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 1, offset: 102 }]);
});

test('due() keeps offering an uncommitted offset until committed() is recorded', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 0);
  markDone(tracker, 't', 0, 0);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 1 }]);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 1 }], 'due() itself does not record anything');
  tracker.committed([{ topic: 't', partition: 0, offset: 1 }]);
  assert.deepEqual(tracker.due(), []);
});

test('a failed (never done) offset holds the partition commit while others advance', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  tracker.track('t', 1);
  for (let o = 0; o < 10; o++) {
    delivered(tracker, 't', 0, o);
    delivered(tracker, 't', 1, o);
  }
  for (let o = 0; o < 10; o++) {
    if (o !== 4) markDone(tracker, 't', 0, o);
    markDone(tracker, 't', 1, o);
  }
  assert.deepEqual(sortByPartition(tracker.due()), [
    { topic: 't', partition: 0, offset: 4 },
    { topic: 't', partition: 1, offset: 10 },
  ]);
  tracker.committed(tracker.due());
  assert.deepEqual(tracker.due(), []);
  assert.equal(tracker.incomplete('t', 0), 1);
  assert.equal(tracker.incomplete('t', 1), 0);

  markDone(tracker, 't', 0, 4);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 10 }]);
});

test('committed() ignores older (late) acknowledgements', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  for (let o = 0; o < 20; o++) delivered(tracker, 't', 0, o);
  for (let o = 0; o < 10; o++) markDone(tracker, 't', 0, o);

  tracker.committed([{ topic: 't', partition: 0, offset: 10 }]);
  assert.equal(tracker.committedOffset('t', 0), 10);

  tracker.committed([{ topic: 't', partition: 0, offset: 7 }]); // late ack of an older commit
  assert.equal(tracker.committedOffset('t', 0), 10);
  assert.deepEqual(tracker.due(), [], 'a late ack must not make the current offset due again');

  tracker.committed([{ topic: 't', partition: 0, offset: 10 }]); // duplicate ack
  assert.equal(tracker.committedOffset('t', 0), 10);

  for (let o = 10; o < 15; o++) markDone(tracker, 't', 0, o);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 15 }]);
  tracker.committed([{ topic: 't', partition: 0, offset: 15 }]);
  assert.equal(tracker.committedOffset('t', 0), 15);
});

test('committed() with several partitions updates each independently', () => {
  const tracker = new OffsetTracker();
  tracker.track('a', 0);
  tracker.track('b', 0);
  tracker.committed([
    { topic: 'a', partition: 0, offset: 5 },
    { topic: 'b', partition: 0, offset: 9 },
    { topic: 'a', partition: 0, offset: 3 }, // older ack for a in the same batch
  ]);
  assert.equal(tracker.committedOffset('a', 0), 5);
  assert.equal(tracker.committedOffset('b', 0), 9);
});

test('committed offset 0 is recorded (0 is not treated as "nothing")', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 0);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 0 }]);
  tracker.committed([{ topic: 't', partition: 0, offset: 0 }]);
  assert.equal(tracker.committedOffset('t', 0), 0);
  assert.deepEqual(tracker.due(), []);
});

test('untracked partitions are ignored everywhere', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);

  assert.doesNotThrow(() => delivered(tracker, 't', 1, 5));
  assert.doesNotThrow(() => markDone(tracker, 't', 1, 5));
  assert.doesNotThrow(() => delivered(tracker, 'other', 0, 5));
  tracker.committed([{ topic: 't', partition: 1, offset: 6 }]);

  assert.equal(tracker.owns('t', 1), false);
  assert.equal(tracker.committedOffset('t', 1), undefined);
  assert.equal(tracker.incomplete('t', 1), 0);
  assert.deepEqual(tracker.due(), []);
  assert.deepEqual(tracker.due([{ topic: 't', partition: 1 }]), []);

  // Tracking it afterwards starts from a clean slate: nothing leaked in before tracking.
  tracker.track('t', 1);
  assert.equal(tracker.committedOffset('t', 1), undefined);
  assert.equal(tracker.incomplete('t', 1), 0);
  assert.deepEqual(tracker.due(), []);
  assert.doesNotThrow(() => delivered(tracker, 't', 1, 0), 'the earlier delivery of 5 was not recorded');
});

test('forget() drops offsets and commit state; re-tracking starts fresh', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  tracker.track('t', 1);
  for (let o = 0; o < 5; o++) delivered(tracker, 't', 0, o);
  markDone(tracker, 't', 0, 0);
  tracker.committed([{ topic: 't', partition: 0, offset: 1 }]);
  delivered(tracker, 't', 1, 0);

  tracker.forget('t', 0);
  assert.equal(tracker.owns('t', 0), false);
  assert.equal(tracker.committedOffset('t', 0), undefined);
  assert.equal(tracker.incomplete('t', 0), 0);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 1, offset: 0 }], 'only the remaining partition is due');
  assert.deepEqual(tracker.due([{ topic: 't', partition: 0 }]), []);

  // Operations after forget are ignored.
  markDone(tracker, 't', 0, 1);
  delivered(tracker, 't', 0, 100);
  assert.equal(tracker.owns('t', 0), false);

  // The partition comes back (reassigned): lower offsets are accepted again, no stale commit.
  tracker.track('t', 0);
  assert.doesNotThrow(() => delivered(tracker, 't', 0, 1));
  assert.equal(tracker.committedOffset('t', 0), undefined);
  assert.equal(tracker.incomplete('t', 0), 1);
  assert.deepEqual(tracker.due([{ topic: 't', partition: 0 }]), [{ topic: 't', partition: 0, offset: 1 }]);
});

test('forget() of one partition leaves the others untouched', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  tracker.track('t', 1);
  delivered(tracker, 't', 1, 3);
  markDone(tracker, 't', 1, 3);
  tracker.committed([{ topic: 't', partition: 1, offset: 2 }]);
  tracker.forget('t', 0);
  assert.equal(tracker.owns('t', 1), true);
  assert.equal(tracker.committedOffset('t', 1), 2);
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 1, offset: 4 }]);
});

test('due(only) filters to the given partitions', () => {
  const tracker = new OffsetTracker();
  for (const [topic, partition] of [
    ['a', 0],
    ['a', 1],
    ['b', 0],
  ] as const) {
    tracker.track(topic, partition);
    delivered(tracker, topic, partition, 10);
    markDone(tracker, topic, partition, 10);
  }

  assert.equal(tracker.due().length, 3);
  assert.deepEqual(tracker.due([{ topic: 'a', partition: 1 }]), [{ topic: 'a', partition: 1, offset: 11 }]);
  assert.deepEqual(tracker.due([{ topic: 'b', partition: 0 }]), [{ topic: 'b', partition: 0, offset: 11 }]);
  assert.deepEqual(tracker.due([]), [], 'an empty filter selects nothing');
  assert.deepEqual(
    tracker.due([
      { topic: 'b', partition: 0 },
      { topic: 'a', partition: 0 },
    ]),
    [
      { topic: 'b', partition: 0, offset: 11 },
      { topic: 'a', partition: 0, offset: 11 },
    ],
  );
  // Untracked entries in the filter are skipped.
  assert.deepEqual(
    tracker.due([
      { topic: 'a', partition: 7 },
      { topic: 'a', partition: 0 },
      { topic: 'zzz', partition: 0 },
    ]),
    [{ topic: 'a', partition: 0, offset: 11 }],
  );

  // The filter still applies the "moved past committed" rule.
  tracker.committed([{ topic: 'a', partition: 0, offset: 11 }]);
  assert.deepEqual(tracker.due([{ topic: 'a', partition: 0 }]), []);
  assert.equal(tracker.due().length, 2);
});

test('due() results are copies: mutating them does not affect the tracker', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 0);
  markDone(tracker, 't', 0, 0);
  const [due] = tracker.due();
  assert.ok(due);
  due.topic = 'mutated';
  due.partition = 99;
  due.offset = 1234;
  assert.deepEqual(tracker.due(), [{ topic: 't', partition: 0, offset: 1 }]);
});

test('delivering a non-increasing offset of a tracked partition throws RangeError for non-increasing offsets of a tracked partition', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  delivered(tracker, 't', 0, 5);
  assert.throws(() => delivered(tracker, 't', 0, 5), RangeError);
  assert.throws(() => delivered(tracker, 't', 0, 4), RangeError);
  // Partitions are independent: the same offset on another partition is fine.
  tracker.track('t', 1);
  assert.doesNotThrow(() => delivered(tracker, 't', 1, 5));
});

test('incomplete() counts unfinished offsets per partition', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0);
  tracker.track('t', 1);
  for (let o = 0; o < 4; o++) delivered(tracker, 't', 0, o);
  delivered(tracker, 't', 1, 0);
  assert.equal(tracker.incomplete('t', 0), 4);
  assert.equal(tracker.incomplete('t', 1), 1);
  markDone(tracker, 't', 0, 2);
  markDone(tracker, 't', 0, 2);
  assert.equal(tracker.incomplete('t', 0), 3);
  assert.equal(tracker.incomplete('t', 1), 1);
});

test('end to end: random completion across partitions never commits past unfinished work', () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const tracker = new OffsetTracker();
  const partitions = [0, 1, 2, 3];
  const open = new Map<number, Set<number>>();
  const nextOffset = new Map<number, number>();
  for (const p of partitions) {
    tracker.track('t', p);
    open.set(p, new Set());
    nextOffset.set(p, 0);
  }
  const lastCommitted = new Map<number, number>();

  for (let step = 0; step < 20_000; step++) {
    const p = partitions[Math.floor(rand() * partitions.length)] as number;
    const pending = open.get(p) as Set<number>;
    if (rand() < 0.55) {
      const offset = (nextOffset.get(p) as number) + (rand() < 0.1 ? 2 : 0);
      delivered(tracker, 't', p, offset);
      pending.add(offset);
      nextOffset.set(p, offset + 1);
    } else if (pending.size > 0) {
      const values = [...pending];
      const offset = values[Math.floor(rand() * values.length)] as number;
      markDone(tracker, 't', p, offset);
      pending.delete(offset);
    }
    if (step % 50 === 0) {
      const due = tracker.due();
      for (const c of due) {
        const stillOpen = open.get(c.partition) as Set<number>;
        for (const o of stillOpen)
          assert.ok(o >= c.offset, `commit ${c.offset} of p${c.partition} passes unfinished ${o}`);
        const previous = lastCommitted.get(c.partition);
        assert.ok(previous === undefined || c.offset > previous, 'due offsets only move forward');
        lastCommitted.set(c.partition, c.offset);
      }
      tracker.committed(due);
      assert.deepEqual(tracker.due(), []);
    }
  }
});

function sortByPartition<T extends { topic: string; partition: number }>(items: T[]): T[] {
  return [...items].sort((x, y) => x.topic.localeCompare(y.topic) || x.partition - y.partition);
}
