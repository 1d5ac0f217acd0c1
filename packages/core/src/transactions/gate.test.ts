import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gate } from './gate.js';

test('close waits for running handlers; a closed gate holds new ones until it opens', async () => {
  const gate = new Gate();
  assert.equal(gate.tryEnter(), true);
  let closed = false;
  const closing = gate.close().then(() => {
    closed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, 'a handler still runs');
  gate.leave();
  await closing;
  assert.equal(gate.tryEnter(), false, 'closed: not counted in');
  let passed = false;
  const waiting = gate.passed().then(() => {
    passed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(passed, false, 'held while closed');
  gate.open();
  await waiting;
  assert.equal(passed, true);
});
