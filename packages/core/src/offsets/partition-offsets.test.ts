import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartitionOffsets } from './partition-offsets.js';

/** Small seeded PRNG (mulberry32) so randomized tests are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randInt = (rand: () => number, maxExclusive: number) => Math.floor(rand() * maxExclusive);

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randInt(rand, i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** Reference model: lowest delivered offset that is not done, else highest delivered + 1. */
function expectedCommittable(delivered: number[], done: Set<number>): number | undefined {
  if (delivered.length === 0) return undefined;
  for (const offset of delivered) if (!done.has(offset)) return offset;
  return (delivered[delivered.length - 1] as number) + 1;
}

/** Length of the internal pending array, to observe that compaction happens (implementation detail). */
const pendingLength = (offsets: PartitionOffsets): number => (Reflect.get(offsets, 'pending') as unknown[]).length;

test('nothing delivered: committable() is undefined and nothing is incomplete', () => {
  const offsets = new PartitionOffsets();
  assert.equal(offsets.committable(), undefined);
  assert.equal(offsets.incompleteCount, 0);
  offsets.markDone(0); // unknown, ignored
  assert.equal(offsets.committable(), undefined);
  assert.equal(offsets.incompleteCount, 0);
});

test('a known start position (carried over a rebalance) is offered until the first delivery, then tracking takes over', () => {
  const offsets = new PartitionOffsets(120);
  assert.equal(offsets.committable(), 120);
  offsets.delivered(120);
  assert.equal(offsets.committable(), 120, 'unfinished: still the start');
  offsets.delivered(121);
  offsets.markDone(121);
  assert.equal(offsets.committable(), 120, 'a later offset finishing does not pass the unfinished one');
  offsets.markDone(120);
  assert.equal(offsets.committable(), 122);
});

test('a delivered but unfinished offset is itself the committable offset', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(42);
  assert.equal(offsets.committable(), 42);
  assert.equal(offsets.incompleteCount, 1);
  offsets.markDone(42);
  assert.equal(offsets.committable(), 43);
  assert.equal(offsets.incompleteCount, 0);
});

test('offset 0 is a valid first offset', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(0);
  assert.equal(offsets.committable(), 0);
  offsets.markDone(0);
  assert.equal(offsets.committable(), 1);
});

test('in-order completion advances committable one offset at a time', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 5; o++) offsets.delivered(o);
  assert.equal(offsets.committable(), 0);
  assert.equal(offsets.incompleteCount, 5);
  for (let o = 0; o < 5; o++) {
    offsets.markDone(o);
    assert.equal(offsets.committable(), o + 1);
    assert.equal(offsets.incompleteCount, 4 - o);
  }
});

test('out-of-order completion never lets committable pass an unfinished offset', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 5; o++) offsets.delivered(o);

  offsets.markDone(3);
  offsets.markDone(4);
  assert.equal(offsets.committable(), 0, 'offset 0 is not done yet');
  assert.equal(offsets.incompleteCount, 3);

  offsets.markDone(0);
  assert.equal(offsets.committable(), 1, 'offset 1 is not done yet');

  offsets.markDone(2);
  assert.equal(offsets.committable(), 1, 'offset 1 is still not done');

  offsets.markDone(1);
  assert.equal(offsets.committable(), 5, 'the whole run 1..4 is released at once');
  assert.equal(offsets.incompleteCount, 0);
});

test('gaps in offsets do not hold committable back (10, 15, 20)', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(10);
  offsets.delivered(15);
  offsets.delivered(20);
  assert.equal(offsets.committable(), 10);
  offsets.markDone(10);
  assert.equal(offsets.committable(), 15);
  offsets.markDone(15);
  assert.equal(offsets.committable(), 20);
  offsets.markDone(20);
  assert.equal(offsets.committable(), 21);
});

test('gaps with out-of-order completion: completing later offsets first waits for the earliest', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(10);
  offsets.delivered(15);
  offsets.delivered(20);
  offsets.markDone(20);
  offsets.markDone(15);
  assert.equal(offsets.committable(), 10);
  offsets.markDone(10);
  assert.equal(offsets.committable(), 21);
});

test('a gap offset that was never delivered cannot be marked done', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(10);
  offsets.delivered(15);
  offsets.markDone(12); // never delivered
  assert.equal(offsets.committable(), 10);
  assert.equal(offsets.incompleteCount, 2);
});

test('an offset that never completes (failed) holds commits forever', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 10; o++) offsets.delivered(o);
  for (let o = 0; o < 10; o++) if (o !== 3) offsets.markDone(o);
  assert.equal(offsets.committable(), 3);
  assert.equal(offsets.incompleteCount, 1);

  // Plenty more traffic completes behind it, across several compactions: still held at 3.
  for (let o = 10; o < 5000; o++) {
    offsets.delivered(o);
    offsets.markDone(o);
    assert.equal(offsets.committable(), 3);
  }
  assert.equal(offsets.incompleteCount, 1);

  offsets.markDone(3);
  assert.equal(offsets.committable(), 5000);
  assert.equal(offsets.incompleteCount, 0);
});

test('markDone of unknown offsets is ignored', () => {
  const offsets = new PartitionOffsets();
  offsets.delivered(5);
  offsets.delivered(6);
  for (const unknown of [-1, 0, 4, 7, 1_000_000, Number.NaN, 5.5]) {
    offsets.markDone(unknown);
    assert.equal(offsets.committable(), 5, `markDone(${unknown}) must be ignored`);
    assert.equal(offsets.incompleteCount, 2, `markDone(${unknown}) must be ignored`);
  }
  // An unknown offset marked done before it is delivered does not pre-complete it.
  offsets.markDone(8);
  offsets.delivered(8);
  assert.equal(offsets.incompleteCount, 3);
  offsets.markDone(5);
  offsets.markDone(6);
  assert.equal(offsets.committable(), 8);
});

test('duplicate markDone is ignored (before and after release)', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 4; o++) offsets.delivered(o);

  offsets.markDone(2);
  offsets.markDone(2); // duplicate while still pending behind 0 and 1
  assert.equal(offsets.incompleteCount, 3);
  assert.equal(offsets.committable(), 0);

  offsets.markDone(0);
  offsets.markDone(0); // duplicate of a released offset
  assert.equal(offsets.committable(), 1);
  assert.equal(offsets.incompleteCount, 2);

  offsets.markDone(1);
  assert.equal(offsets.committable(), 3);
  offsets.markDone(1);
  offsets.markDone(2);
  assert.equal(offsets.committable(), 3);
  assert.equal(offsets.incompleteCount, 1);
});

test('a non-increasing offset is a redelivery: refused (false), state unchanged', () => {
  const offsets = new PartitionOffsets();
  assert.equal(offsets.delivered(10), true);
  assert.equal(offsets.delivered(11), true);
  offsets.markDone(10);

  assert.equal(offsets.delivered(11), false, 'equal to highest');
  assert.equal(offsets.delivered(10), false, 'lower than highest (already done)');
  assert.equal(offsets.delivered(3), false, 'far below');
  assert.equal(offsets.committable(), 11);
  assert.equal(offsets.incompleteCount, 1);

  offsets.markDone(11);
  assert.equal(offsets.committable(), 12);
  // Re-delivering a completed offset is still refused after everything is done.
  assert.equal(offsets.delivered(11), false);
  assert.equal(offsets.committable(), 12);
  assert.equal(offsets.incompleteCount, 0);

  assert.equal(offsets.delivered(12), true);
  assert.equal(offsets.committable(), 12);
});

test('property: committable() is the lowest not-done delivered offset, or highest + 1 (random gaps and order)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = prng(seed);
    const offsets = new PartitionOffsets();
    const delivered: number[] = [];
    const done = new Set<number>();
    const notDone: number[] = [];
    const count = 200 + randInt(rand, 1800);
    let next = randInt(rand, 1000);
    let deliveredCount = 0;
    const context = () => `seed ${seed}, delivered ${delivered.length}, done ${done.size}`;

    while (deliveredCount < count || notDone.length > 0) {
      // Interleave: deliver a small random batch (with random gaps), then complete a random subset.
      const deliverNow = deliveredCount < count ? randInt(rand, 8) : 0;
      for (let i = 0; i < deliverNow && deliveredCount < count; i++) {
        next += rand() < 0.3 ? 1 + randInt(rand, 50) : 1; // gaps: compaction / transaction markers
        offsets.delivered(next);
        delivered.push(next);
        notDone.push(next);
        deliveredCount += 1;
        assert.equal(offsets.committable(), expectedCommittable(delivered, done), context());
      }
      const completeNow = randInt(rand, 8);
      for (let i = 0; i < completeNow && notDone.length > 0; i++) {
        const index = randInt(rand, notDone.length);
        const offset = notDone[index] as number;
        notDone[index] = notDone[notDone.length - 1] as number;
        notDone.pop();
        offsets.markDone(offset);
        done.add(offset);
        if (rand() < 0.1) offsets.markDone(offset); // duplicate
        if (rand() < 0.1) offsets.markDone(next + 1 + randInt(rand, 10)); // not delivered yet
        assert.equal(offsets.committable(), expectedCommittable(delivered, done), context());
        assert.equal(offsets.incompleteCount, notDone.length, context());
      }
    }
    assert.equal(offsets.committable(), (delivered[delivered.length - 1] as number) + 1, context());
    assert.equal(offsets.incompleteCount, 0);
  }
});

test('property: deliver everything first, then complete in a fully random order', () => {
  for (let seed = 100; seed < 110; seed++) {
    const rand = prng(seed);
    const offsets = new PartitionOffsets();
    const delivered: number[] = [];
    let next = -1;
    for (let i = 0; i < 3000; i++) {
      next += 1 + (rand() < 0.2 ? randInt(rand, 5) : 0);
      offsets.delivered(next);
      delivered.push(next);
    }
    const order = shuffle([...delivered], rand);
    const done = new Set<number>();
    // The reference minimum only moves forward, so track it with a cursor.
    let cursor = 0;
    for (const offset of order) {
      offsets.markDone(offset);
      done.add(offset);
      while (cursor < delivered.length && done.has(delivered[cursor] as number)) cursor += 1;
      const expected = cursor < delivered.length ? delivered[cursor] : next + 1;
      assert.equal(offsets.committable(), expected, `seed ${seed}, after done ${offset}`);
      const committable = offsets.committable() as number;
      assert.ok(committable === next + 1 || !done.has(committable), 'committable is never a done offset');
    }
    assert.equal(offsets.committable(), next + 1);
    assert.equal(offsets.incompleteCount, 0);
  }
});

test('large in-order run (100k offsets) stays correct and the pending list is compacted', () => {
  const offsets = new PartitionOffsets();
  const base = 5_000_000;
  let maxPending = 0;
  for (let i = 0; i < 100_000; i++) {
    offsets.delivered(base + i);
    offsets.markDone(base + i);
    assert.equal(offsets.committable(), base + i + 1);
    maxPending = Math.max(maxPending, pendingLength(offsets));
  }
  assert.equal(offsets.incompleteCount, 0);
  assert.ok(maxPending < 5000, `pending list must be compacted, grew to ${maxPending}`);
});

test('large bulk run: 100k delivered, completed in order, then more work after compaction', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 100_000; o++) offsets.delivered(o);
  for (let o = 0; o < 100_000; o++) {
    offsets.markDone(o);
    if (o % 997 === 0 || o > 99_990) assert.equal(offsets.committable(), o + 1);
  }
  assert.equal(offsets.committable(), 100_000);
  assert.equal(offsets.incompleteCount, 0);
  assert.ok(pendingLength(offsets) < 100_000, 'compaction dropped released offsets');

  // Still behaves correctly after compaction, including out-of-order completion.
  offsets.delivered(100_000);
  offsets.delivered(100_005);
  offsets.delivered(100_009);
  assert.equal(offsets.committable(), 100_000);
  offsets.markDone(100_009);
  offsets.markDone(100_005);
  assert.equal(offsets.committable(), 100_000);
  offsets.markDone(100_000);
  assert.equal(offsets.committable(), 100_010);
});

test('large streaming run (100k) with random out-of-order completion inside a sliding window', () => {
  const rand = prng(2024);
  const offsets = new PartitionOffsets();
  const inFlight: number[] = [];
  let next = 0;
  let highest = -1;
  let maxPending = 0;
  const expected = () => (inFlight.length > 0 ? Math.min(...inFlight) : highest + 1);

  while (next < 100_000 || inFlight.length > 0) {
    if (next < 100_000 && (inFlight.length < 64 || rand() < 0.3) && inFlight.length < 200) {
      const offset = next;
      next += 1 + (rand() < 0.05 ? randInt(rand, 3) : 0);
      offsets.delivered(offset);
      highest = offset;
      inFlight.push(offset);
    } else {
      const index = randInt(rand, inFlight.length);
      const offset = inFlight[index] as number;
      inFlight[index] = inFlight[inFlight.length - 1] as number;
      inFlight.pop();
      offsets.markDone(offset);
    }
    assert.equal(offsets.committable(), expected());
    assert.equal(offsets.incompleteCount, inFlight.length);
    maxPending = Math.max(maxPending, pendingLength(offsets));
  }
  assert.equal(offsets.committable(), highest + 1);
  assert.ok(maxPending < 5000, `pending list must be compacted, grew to ${maxPending}`);
});

test('compaction boundary: a held offset just past the compaction point keeps committable correct', () => {
  const offsets = new PartitionOffsets();
  for (let o = 0; o < 3000; o++) offsets.delivered(o);
  const held = new Set([1025, 1026, 2049]);
  for (let o = 0; o < 3000; o++) if (!held.has(o)) offsets.markDone(o);
  assert.equal(offsets.committable(), 1025);
  offsets.markDone(1025);
  assert.equal(offsets.committable(), 1026);
  offsets.markDone(1026);
  assert.equal(offsets.committable(), 2049); // head > 1024 and past half: compaction happened here
  offsets.markDone(2049);
  assert.equal(offsets.committable(), 3000);
  assert.equal(offsets.incompleteCount, 0);
  offsets.markDone(1025); // duplicate after compaction
  assert.equal(offsets.committable(), 3000);
});

test('incompleteCount counts delivered offsets not yet done, independent of committable', () => {
  const offsets = new PartitionOffsets();
  assert.equal(offsets.incompleteCount, 0);
  offsets.delivered(1);
  offsets.delivered(2);
  offsets.delivered(3);
  assert.equal(offsets.incompleteCount, 3);
  offsets.markDone(3); // done but not releasable
  assert.equal(offsets.incompleteCount, 2);
  assert.equal(offsets.committable(), 1);
  offsets.markDone(1);
  assert.equal(offsets.incompleteCount, 1);
  assert.equal(offsets.committable(), 2);
  offsets.markDone(2);
  assert.equal(offsets.incompleteCount, 0);
  assert.equal(offsets.committable(), 4);
});
