import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import pino from 'pino';
import type { CommitReply } from '../connection/commit-channel.js';
import type { TributaryEvents } from '../events.js';
import type { CommitOffset } from '../model/topic-partition.js';
import { Assignment } from '../partitions/assignment.js';
import { type CommitPort, Committer } from './committer.js';

const silent = pino({ level: 'silent' });
const refusal = (reason: 'generation-gone' | 'coordinator' | 'rebalance-in-progress'): CommitReply => ({
  ok: false,
  reason,
  error: new Error(reason),
});

/** A connection whose answers the test scripts; it records what was sent. */
class FakePort implements CommitPort {
  readonly sent: CommitOffset[][] = [];
  answers: Array<CommitReply | 'never'> = [];
  late?: (reply: CommitReply) => void;
  async commit(offsets: CommitOffset[], timeoutMs: number, onLateReply?: (reply: CommitReply) => void) {
    this.sent.push(offsets);
    const answer = this.answers.shift() ?? { ok: true };
    if (answer === 'never') {
      this.late = onLateReply;
      await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      return { ok: false, reason: 'timeout', error: new Error('timeout') } as CommitReply;
    }
    return answer;
  }
  isConnected() {
    return true;
  }
}

function setup() {
  const assignment = new Assignment();
  const [p0, p1] = assignment.add([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  for (const p of [p0, p1]) {
    p?.admitted(0);
    p?.offsets.markDone(0);
  }
  const events = new EventEmitter<TributaryEvents>();
  const failed: TributaryEvents['offsets.commit-failed'][0][] = [];
  const committed: TributaryEvents['offsets.committed'][0][] = [];
  events.on('offsets.commit-failed', (e) => failed.push(e));
  events.on('offsets.committed', (e) => committed.push(e));
  const port = new FakePort();
  const committer = new Committer('g', port, assignment, events, silent, 60_000);
  return {
    assignment,
    p0: p0 as NonNullable<typeof p0>,
    p1: p1 as NonNullable<typeof p1>,
    port,
    committer,
    failed,
    committed,
  };
}

test('commitNow commits the due offsets, records the acknowledgement and reports it once', async () => {
  const { p0, p1, port, committer, committed } = setup();
  assert.deepEqual(await committer.commitNow([p0, p1], 1_000, 'revoke'), []);
  assert.deepEqual(port.sent, [
    [
      { topic: 't', partition: 0, offset: 1 },
      { topic: 't', partition: 1, offset: 1 },
    ],
  ]);
  assert.deepEqual([p0.committed, p1.committed], [1, 1]);
  assert.equal(committed.length, 1);
  assert.equal(committed[0]?.kind, 'revoke');
  assert.deepEqual(await committer.commitNow([p0, p1], 1_000, 'revoke'), [], 'nothing due: nothing sent');
  assert.equal(port.sent.length, 1);
});

test('commitNow retries a refusal the same member may retry, until it lands', async () => {
  const { p0, port, committer, failed } = setup();
  port.answers = [refusal('rebalance-in-progress'), refusal('coordinator'), { ok: true }];
  assert.deepEqual(await committer.commitNow([p0], 5_000, 'revoke'), []);
  assert.equal(port.sent.length, 3);
  assert.deepEqual(
    failed.map((f) => [f.reason, f.final]),
    [
      ['rebalance-in-progress', false],
      ['coordinator', false],
    ],
  );
  assert.equal(p0.committed, 1);
});

test('a refusal because the generation is over is final: not retried, reported, offsets left uncommitted', async () => {
  const { p0, port, committer, failed } = setup();
  port.answers = [refusal('generation-gone')];
  assert.deepEqual(await committer.commitNow([p0], 5_000, 'shutdown'), [{ topic: 't', partition: 0, offset: 1 }]);
  assert.equal(port.sent.length, 1, 'never offered again');
  assert.deepEqual(
    failed.map((f) => [f.reason, f.kind, f.final]),
    [['generation-gone', 'shutdown', true]],
  );
  assert.equal(p0.committed, undefined);
});

test('retries stop at the deadline; a late acknowledgement still moves the commit', async () => {
  const { p0, port, committer } = setup();
  port.answers = ['never'];
  const started = performance.now();
  const left = await committer.commitNow([p0], 150, 'revoke');
  assert.ok(performance.now() - started < 1_000);
  assert.deepEqual(left, [{ topic: 't', partition: 0, offset: 1 }]);
  port.late?.({ ok: true });
  assert.equal(p0.committed, 1, 'the answer that came after the deadline is applied');
});

test('periodic commits cover the active partitions only, one at a time', async () => {
  const { p0, p1, port, committer } = setup();
  p1.beginRevoke(true); // the revoke flush commits it
  committer.start();
  committer.commitSoon();
  await new Promise((resolve) => setTimeout(resolve, 120));
  committer.stop();
  assert.deepEqual(port.sent, [[{ topic: 't', partition: 0, offset: 1 }]]);
  assert.equal(p0.committed, 1);
});
