import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OwnedPartition } from './owned-partition.js';

const owned = () => new OwnedPartition({ topic: 't', partition: 0 });

test('abortAll aborts the signals handed out, and a signal asked for afterwards is born aborted', () => {
  const p = owned();
  const running = p.handlerSignal();
  const finished = p.handlerSignal();
  finished.release(); // its handler is done: abortAll must no longer reach it
  p.abortAll('revoke timed out');
  assert.equal(running.signal.aborted, true);
  assert.equal((running.signal.reason as Error).message, 'revoke timed out');
  assert.equal(finished.signal.aborted, false);
  const late = p.handlerSignal(); // a handler that reads ctx.signal only after the timeout
  assert.equal(late.signal.aborted, true);
  assert.equal(late.signal.reason, running.signal.reason);
});

test('counts running handlers and the highest started offset', () => {
  const p = owned();
  p.started(5);
  p.started(3);
  assert.equal(p.running, 2);
  assert.equal(p.highestStarted, 5);
  p.finished();
  assert.equal(p.running, 1);
});

test('nothing admitted: nothing due; due offers the committable offset, never past unfinished work', () => {
  const p = owned();
  assert.equal(p.due(), undefined);
  for (const o of [10, 11, 12]) p.admitted(o);
  assert.deepEqual(p.due(), { topic: 't', partition: 0, offset: 10 });
  p.offsets.markDone(11);
  assert.equal(p.due()?.offset, 10, 'an earlier offset still running holds the commit');
  p.offsets.markDone(10);
  assert.equal(p.due()?.offset, 12);
  p.offsets.markDone(12);
  assert.equal(p.due()?.offset, 13);
});

test('acknowledged offsets are not due again, and a late acknowledgement never moves the commit back', () => {
  const p = owned();
  p.admitted(0);
  p.offsets.markDone(0);
  assert.equal(p.due()?.offset, 1);
  p.acknowledged(1);
  assert.equal(p.committed, 1);
  assert.equal(p.due(), undefined);
  p.admitted(1);
  p.offsets.markDone(1);
  p.acknowledged(2);
  p.acknowledged(1); // the answer to an older commit arrives last
  assert.equal(p.committed, 2);
});

test('offset 0 acknowledged is recorded (0 is not "nothing")', () => {
  const p = owned();
  p.acknowledged(0);
  assert.equal(p.committed, 0);
});

test('revoking keeps queued gaps below started work and drops the rest; a lost partition drops all', () => {
  const p = owned();
  p.started(7);
  p.beginRevoke(true);
  assert.equal(p.revokeSignal.aborted, true, 'retry backoffs end');
  assert.equal(p.isDiscardable(5), false, 'a gap under work that ran still runs');
  assert.equal(p.isDiscardable(8), true);
  const lost = owned();
  lost.started(7);
  lost.beginRevoke(false);
  assert.equal(lost.isDiscardable(5), true);
});

test('whenDrained resolves once every admitted message left memory', async () => {
  const p = owned();
  p.admitted(0);
  p.admitted(1);
  let drained = false;
  const waiting = p.whenDrained().then(() => {
    drained = true;
  });
  p.left();
  await Promise.resolve();
  assert.equal(drained, false);
  p.left();
  await waiting;
  assert.equal(drained, true);
});
