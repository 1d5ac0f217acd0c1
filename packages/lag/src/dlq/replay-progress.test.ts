import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayProgress } from './replay-progress.js';

test('the position advances over a contiguous run; done offsets past a gap are kept in the metadata', () => {
  const p = ReplayProgress.fromCommit(null, undefined, 0);
  p.markDone(0);
  p.markDone(1);
  assert.equal(p.position, 2);
  p.markDone(4);
  p.markDone(5);
  p.markDone(7);
  assert.equal(p.position, 2, 'offset 2 (filtered out) holds the position');
  assert.equal(p.metadata(), '{"done":[[4,5],[7,7]]}');
  assert.ok(p.isDone(1) && p.isDone(4) && p.isDone(7));
  assert.ok(!p.isDone(2) && !p.isDone(6) && !p.isDone(8));
  p.markDone(2, 3);
  assert.equal(p.position, 6);
  assert.equal(p.metadata(), '{"done":[[7,7]]}');
  p.markDone(6);
  assert.equal(p.position, 8);
  assert.equal(p.metadata(), '');
});

test('progress read back from a commit; offsets deleted by retention count as done; bad metadata is ignored', () => {
  const p = ReplayProgress.fromCommit(3, '{"done":[[6,8]]}', 0);
  assert.equal(p.position, 3);
  assert.ok(p.isDone(7) && !p.isDone(5));
  assert.equal(ReplayProgress.fromCommit(2, '{"done":[[6,8]]}', 4).position, 4);
  assert.equal(ReplayProgress.fromCommit(2, '{"done":[[6,8]]}', 6).position, 9);
  assert.equal(ReplayProgress.fromCommit(null, 'garbage', 3).position, 3);
});

test('metadata stays under the limit: hasRoom() turns false before it would pass it', () => {
  const p = ReplayProgress.fromCommit(0, undefined, 0);
  let offset = 2;
  while (p.hasRoom()) {
    p.markDone(offset);
    offset += 2;
  }
  assert.ok(p.metadata().length <= ReplayProgress.MAX_METADATA, `${p.metadata().length}`);
});
