import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeContext } from '../testing/fake-context.js';
import { RETRY_EXHAUSTED, retry } from './retry.js';

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

test('retries until success and counts attempts on ctx.attempt', async () => {
  const ctx = fakeContext();
  const seen: number[] = [];
  await retry({ ...fast, maxAttempts: 5 })(ctx, async () => {
    seen.push(ctx.attempt);
    if (ctx.attempt < 3) throw new Error('flaky');
  });
  assert.deepEqual(seen, [1, 2, 3]);
});

test('gives up after maxAttempts with the last error and marks the context', async () => {
  const ctx = fakeContext();
  let calls = 0;
  await assert.rejects(
    retry({ ...fast, maxAttempts: 3 })(ctx, async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    }),
    /boom 3/,
  );
  assert.equal(calls, 3);
  assert.deepEqual(ctx.state.get(RETRY_EXHAUSTED), { attempts: 3, retryable: true });
});

test('non-retryable errors (retryable: false, or the predicate) fail at once', async () => {
  const ctx = fakeContext();
  let calls = 0;
  const invalid = Object.assign(new Error('invalid'), { retryable: false });
  await assert.rejects(
    retry({ ...fast, maxAttempts: 5 })(ctx, async () => {
      calls++;
      throw invalid;
    }),
    /invalid/,
  );
  assert.equal(calls, 1);
  let predicateCalls = 0;
  await assert.rejects(
    retry({ ...fast, maxAttempts: 5, retryable: (e) => !(e as Error).message.includes('fatal') })(
      fakeContext(),
      async () => {
        predicateCalls++;
        throw new Error('fatal');
      },
    ),
  );
  assert.equal(predicateCalls, 1);
});

test('an abort during the backoff stops retrying with the original error', async () => {
  const controller = new AbortController();
  const ctx = fakeContext({}, controller.signal);
  let calls = 0;
  const started = Date.now();
  setTimeout(() => controller.abort(new Error('revoked')), 30);
  await assert.rejects(
    retry({ maxAttempts: 10, initialDelayMs: 5_000 })(ctx, async () => {
      calls++;
      throw new Error('downstream down');
    }),
    /downstream down/,
  );
  assert.equal(calls, 1);
  assert.ok(Date.now() - started < 1_000);
});

test('rejects a bad maxAttempts at construction', () => {
  assert.throws(() => retry({ maxAttempts: 0 }), /maxAttempts must be an integer ≥ 1/);
});
