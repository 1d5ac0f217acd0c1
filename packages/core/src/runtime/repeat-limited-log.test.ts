import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { RepeatLimitedLog, similarityKey } from './repeat-limited-log.js';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('a burst of one error is one line at once and one line with the count at the end of the interval', () => {
  const lines: [string, number][] = [];
  const log = new RepeatLimitedLog<string>(10_000, (entry, repeats) => lines.push([entry, repeats]));
  for (let i = 0; i < 585; i++) log.record('transport', `failure ${i}`);
  assert.deepEqual(lines, [['failure 0', 0]]);
  mock.timers.tick(10_000);
  assert.deepEqual(lines, [
    ['failure 0', 0],
    ['failure 584', 584],
  ]);
  // A quiet interval forgets the key; its next occurrence is written at once.
  mock.timers.tick(10_000);
  log.record('transport', 'again');
  assert.deepEqual(lines.at(-1), ['again', 0]);
  assert.equal(lines.length, 3);
});

test('an error that keeps coming is one line per interval; distinct keys are counted apart; flush reports the rest', () => {
  const lines: [string, number][] = [];
  const log = new RepeatLimitedLog<string>(1_000, (entry, repeats) => lines.push([entry, repeats]));
  for (let second = 0; second < 3; second++) {
    for (let i = 0; i < 10; i++) log.record('a', `a${second}`);
    log.record('b', `b${second}`);
    mock.timers.tick(1_000);
  }
  // `b` comes once a second: each interval ends quiet for it, so each occurrence is news.
  assert.deepEqual(lines, [
    ['a0', 0],
    ['b0', 0],
    ['a0', 9],
    ['b1', 0],
    ['a1', 10],
    ['b2', 0],
    ['a2', 10],
  ]);
  log.record('a', 'last');
  log.flush();
  assert.deepEqual(lines.at(-1), ['last', 1]);
  mock.timers.tick(5_000);
  assert.equal(lines.length, 8, 'nothing after a flush');
});

test('errors that differ only in numbers are the same; different codes are not', () => {
  assert.equal(
    similarityKey(-195, 'Connect to ipv4#127.0.0.1:1 failed (after 0ms in state CONNECT)'),
    similarityKey(-195, 'Connect to ipv4#127.0.0.1:1 failed (after 12ms in state CONNECT)'),
  );
  assert.notEqual(similarityKey(-195, 'x'), similarityKey(-187, 'x'));
});
