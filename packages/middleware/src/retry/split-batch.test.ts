import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeBatchContext } from '../testing/fake-context.js';
import { retry } from './retry.js';
import { RETRY_EXHAUSTED } from './retry-state.js';

/** The handler step as the core runs it: the unsettled `ctx.messages`; success settles them. */
function handlerStep(ctx: ReturnType<typeof fakeBatchContext>, fails: (offset: number) => boolean, runs: number[][]) {
  return async () => {
    const open = new Set(ctx.unsettled);
    const run = ctx.messages.filter((m) => open.has(m));
    runs.push(run.map((m) => m.offset));
    if (run.some((m) => fails(m.offset))) throw new RangeError('bad message in the batch');
    ctx.settle(run, 'done');
  };
}

test('splitOnFailure halves a failing batch down to the failing message; the others run once more at most', async () => {
  const ctx = fakeBatchContext([0, 1, 2, 3, 4, 5, 6, 7]);
  const runs: number[][] = [];
  await assert.rejects(
    retry({ maxAttempts: 3, initialDelayMs: 1, splitOnFailure: true })(
      ctx as never,
      handlerStep(ctx, (o) => o === 5, runs),
    ),
    RangeError,
  );
  assert.deepEqual(runs, [[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7], [4, 5], [4], [5], [5], [5], [6, 7]]);
  assert.deepEqual(
    ctx.messages.map((m) => m.offset),
    [5],
    'ctx.messages is left as the failed messages (the DLQ takes them)',
  );
  assert.equal(ctx.attempt, 3, 'the attempts of the failed message');
  assert.deepEqual(ctx.state.get(RETRY_EXHAUSTED), { attempts: 3, retryable: true });
  assert.deepEqual([...ctx.outcomes.keys()].sort(), [0, 1, 2, 3, 4, 6, 7]);
});

test('without splitOnFailure a batch is retried whole, on its unsettled messages', async () => {
  const ctx = fakeBatchContext([0, 1, 2]);
  const runs: number[][] = [];
  let calls = 0;
  const next = async () => {
    calls += 1;
    runs.push(ctx.unsettled.map((m) => m.offset));
    if (calls === 1) {
      ctx.resolve(0); // partial success, then a failure
      throw new Error('transient');
    }
    ctx.settle(ctx.unsettled, 'done');
  };
  await retry({ maxAttempts: 2, initialDelayMs: 1 })(ctx as never, next);
  assert.deepEqual(runs, [
    [0, 1, 2],
    [1, 2],
  ]);
  assert.equal(ctx.attempt, 2);
});
