import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartitionState } from './partition-state.js';

test('abortAll aborts the signals handed out, and a signal asked for afterwards is born aborted', () => {
  const state = new PartitionState({ topic: 't', partition: 0 });
  const running = state.handlerSignal();
  const finished = state.handlerSignal();
  finished.release(); // its handler is done: abortAll must no longer reach it
  assert.equal(state.controllers.size, 1);

  state.abortAll('revoke timed out');
  assert.equal(running.signal.aborted, true);
  assert.equal((running.signal.reason as Error).message, 'revoke timed out');
  assert.equal(finished.signal.aborted, false);

  const late = state.handlerSignal(); // a handler that reads ctx.signal only after the timeout
  assert.equal(late.signal.aborted, true);
  assert.equal(late.signal.reason, running.signal.reason);
});

test('counts running handlers and the highest started offset', () => {
  const state = new PartitionState({ topic: 't', partition: 0 });
  state.started(5);
  state.started(3);
  assert.equal(state.running, 2);
  assert.equal(state.highestStarted, 5);
  state.finished();
  assert.equal(state.running, 1);
});
