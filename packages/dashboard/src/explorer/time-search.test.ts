import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Probe, searchOffsetForTime } from './time-search.js';

/** A partition whose messages are at these offsets with these timestamps (gaps: compaction, markers). */
const partition = (messages: Array<[offset: number, timestamp: number]>) => {
  let reads = 0;
  const probe: Probe = async (offset) => {
    reads++;
    const found = messages.find(([o]) => o >= offset);
    return found ? { offset: found[0], timestamp: found[1] } : undefined;
  };
  return { probe, reads: () => reads };
};

test('the first offset whose timestamp is at or after the time', async () => {
  const { probe } = partition(Array.from({ length: 100 }, (_, i) => [i, 1_000 + i * 10] as [number, number]));
  assert.equal(await searchOffsetForTime(1_000, 0, 100, probe), 0);
  assert.equal(await searchOffsetForTime(1_255, 0, 100, probe), 26);
  assert.equal(await searchOffsetForTime(1_260, 0, 100, probe), 26);
  assert.equal(await searchOffsetForTime(0, 0, 100, probe), 0, 'before everything: the start');
  assert.equal(await searchOffsetForTime(99_999, 0, 100, probe), 100, 'after everything: the end');
});

test('gaps in the offsets and a start above 0 (retention)', async () => {
  const { probe } = partition([
    [10, 100],
    [11, 100],
    [15, 200],
    [20, 300],
  ]);
  assert.equal(await searchOffsetForTime(150, 10, 21, probe), 12, 'reading from 12 yields offset 15 first');
  assert.equal(await searchOffsetForTime(100, 10, 21, probe), 10);
  assert.equal(await searchOffsetForTime(300, 10, 21, probe), 16);
  assert.equal(await searchOffsetForTime(301, 10, 21, probe), 21);
});

test('logarithmic reads', async () => {
  const { probe, reads } = partition(Array.from({ length: 100_000 }, (_, i) => [i, i] as [number, number]));
  assert.equal(await searchOffsetForTime(77_777, 0, 100_000, probe), 77_777);
  assert.ok(reads() <= 18, `${reads()} reads`);
});
