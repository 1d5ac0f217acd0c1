import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommitOffset } from '../model/topic-partition.js';
import { FetcherWake } from './fetcher-wake.js';

test('one wake-up request at a time; partitions resumed meanwhile go into the next one', () => {
  const sent: string[][] = [];
  let finish: (() => void) | undefined;
  const wake = new FetcherWake(
    (latest: CommitOffset[], _timeout, done) => {
      sent.push(latest.map((p) => `${p.partition}@${p.offset}`));
      finish = done;
    },
    () => {},
  );
  wake.wake([{ topic: 't', partition: 0 }]);
  wake.wake([{ topic: 't', partition: 1 }]);
  wake.wake([
    { topic: 't', partition: 2 },
    { topic: 't', partition: 1 },
  ]);
  assert.deepEqual(sent, [['0@-1']]);
  finish?.();
  assert.deepEqual(sent, [['0@-1'], ['1@-1', '2@-1']]);
  finish?.();
  assert.equal(sent.length, 2, 'nothing left to wake');
});

test('a request the binding refuses is reported and does not stop later ones', () => {
  const errors: string[] = [];
  let fail = true;
  let calls = 0;
  const wake = new FetcherWake(
    (_latest, _timeout, done) => {
      calls += 1;
      if (fail) throw new Error('not connected');
      done();
    },
    (e) => errors.push(e.message),
  );
  wake.wake([{ topic: 't', partition: 0 }]);
  fail = false;
  wake.wake([{ topic: 't', partition: 0 }]);
  assert.deepEqual(errors, ['wake fetchers failed: not connected']);
  assert.equal(calls, 2);
});
