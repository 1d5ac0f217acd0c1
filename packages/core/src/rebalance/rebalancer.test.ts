import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import pino from 'pino';
import type { TributaryEvents } from '../events.js';
import type { TopicPartition } from '../model/topic-partition.js';
import { Assignment } from '../partitions/assignment.js';
import { type RebalanceDeps, Rebalancer } from './rebalancer.js';

const tp = (partition: number): TopicPartition => ({ topic: 't', partition });
const name = (tps: TopicPartition[]) => tps.map((p) => p.partition).join(',');

/** Fakes of the member's parts that write every call into one timeline. */
function setup(commitResult: () => Promise<unknown[]> = async () => []) {
  const steps: string[] = [];
  const assignment = new Assignment();
  const events = new EventEmitter<TributaryEvents>();
  const deps: RebalanceDeps = {
    groupId: 'g',
    assignment,
    consumer: {
      assign: (tps) => steps.push(`assign ${name(tps)}`),
      unassign: (tps) => steps.push(`unassign ${name(tps)}`),
      pause: (tps) => steps.push(`pause ${name(tps)}`),
      resume: (tps) => steps.push(`resume ${name(tps)}`),
    },
    commit: async (owned, _timeoutMs, kind) => {
      steps.push(`commit ${kind} ${owned.map((p) => p.tp.partition).join(',')}`);
      return (await commitResult()) as never;
    },
    discardUnstarted: () => steps.push('discard'),
    runHooks: async (kind, tps) => {
      steps.push(`hooks ${kind} ${name(tps)}`);
    },
    events,
    logger: pino({ level: 'silent' }),
    revokeTimeoutMs: 500,
  };
  events.on('partitions.assigned', (e) => steps.push(`event assigned ${name(e.partitions)}`));
  events.on('partitions.revoked', (e) => steps.push(`event revoked ${name(e.partitions)}`));
  events.on('partitions.lost', (e) => steps.push(`event lost ${name(e.partitions)}`));
  return { steps, assignment, rebalancer: new Rebalancer(deps) };
}

test('assign: own, assign at the consumer, resume, hooks, event — in that order', async () => {
  const { steps, assignment, rebalancer } = setup();
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(0), tp(1)], lost: false });
  await rebalancer.idle();
  assert.deepEqual(steps, ['assign 0,1', 'resume 0,1', 'hooks assigned 0,1', 'event assigned 0,1']);
  assert.equal(assignment.size, 2);
});

test('revoke: in-flight work drains, then the commit, hooks, release; the partition is forgotten', async () => {
  const { steps, assignment, rebalancer } = setup();
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(0), tp(1)], lost: false });
  await rebalancer.idle();
  const [p0] = assignment.find([tp(0)]);
  p0?.admitted(5); // a message in memory: the commit must wait for it
  steps.length = 0;
  rebalancer.enqueue({ kind: 'revoke', partitions: [tp(0)], lost: false });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(steps, ['pause 0', 'discard'], 'waiting for the running message');
  p0?.left();
  await rebalancer.idle();
  assert.deepEqual(steps, [
    'pause 0',
    'discard',
    'commit revoke 0',
    'hooks revoked 0',
    'unassign 0',
    'event revoked 0',
  ]);
  assert.deepEqual(
    assignment.all().map((p) => p.tp.partition),
    [1],
  );
});

test('a lost assignment commits nothing and aborts running handlers', async () => {
  const { steps, assignment, rebalancer } = setup();
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(0)], lost: false });
  await rebalancer.idle();
  const [p0] = assignment.find([tp(0)]);
  const signal = p0?.handlerSignal().signal;
  steps.length = 0;
  rebalancer.enqueue({ kind: 'revoke', partitions: [tp(0)], lost: true });
  await rebalancer.idle();
  assert.equal(signal?.aborted, true);
  assert.deepEqual(steps, ['pause 0', 'discard', 'hooks lost 0', 'unassign 0', 'event lost 0']);
});

test('stop flushes and commits every owned partition without releasing it; a later revoke only releases', async () => {
  const { steps, rebalancer } = setup(async () => [{ topic: 't', partition: 0, offset: 3 }]);
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(0)], lost: false });
  await rebalancer.idle();
  steps.length = 0;
  const uncommitted = await rebalancer.stop(1_000);
  assert.deepEqual(uncommitted, [{ topic: 't', partition: 0, offset: 3 }]);
  assert.deepEqual(steps, ['pause 0', 'discard', 'commit shutdown 0', 'hooks revoked 0']);
  steps.length = 0;
  rebalancer.enqueue({ kind: 'revoke', partitions: [tp(0)], lost: false }); // the consumer's own, on close
  await rebalancer.idle();
  assert.deepEqual(steps, ['unassign 0']);
});

test('a revoke whose handlers outlive revokeTimeoutMs aborts them and still commits what finished', async () => {
  const { steps, assignment, rebalancer } = setup();
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(0)], lost: false });
  await rebalancer.idle();
  const [p0] = assignment.find([tp(0)]);
  p0?.admitted(1);
  const signal = p0?.handlerSignal().signal;
  signal?.addEventListener('abort', () => p0?.left()); // a handler that honours ctx.signal
  const started = performance.now();
  const keepAlive = setInterval(() => {}, 50); // the flush's own timers never hold the process
  rebalancer.enqueue({ kind: 'revoke', partitions: [tp(0)], lost: false });
  await rebalancer.idle();
  clearInterval(keepAlive);
  assert.equal(signal?.aborted, true);
  assert.ok(performance.now() - started >= 450, 'waited for revokeTimeoutMs');
  assert.ok(steps.includes('commit revoke 0'));
});

test('an assignment that arrives after the stop flushed is not consumed: paused, not owned, no event', async () => {
  const { steps, assignment, rebalancer } = setup();
  assert.deepEqual(await rebalancer.stop(1_000), []);
  steps.length = 0;
  // A round that completes while the member closes (a storm member stopped right after joining).
  rebalancer.enqueue({ kind: 'assign', partitions: [tp(3), tp(4)], lost: false });
  await rebalancer.idle();
  assert.deepEqual(steps, ['assign 3,4', 'pause 3,4']);
  assert.equal(assignment.size, 0, 'not owned: admission drops what a poll brings');
});
