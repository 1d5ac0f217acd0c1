import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, sleep } from './backoff.js';

test('backoff grows exponentially and is capped', () => {
  const none = { jitter: 0, initialDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, none)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('jitter stays within [base × (1 − jitter), base]', () => {
  for (let i = 0; i < 1000; i++) {
    const d = backoffDelay(3, { initialDelayMs: 100, jitter: 0.5 });
    assert.ok(d >= 200 && d <= 400, `${d}`);
  }
  assert.equal(
    backoffDelay(3, { initialDelayMs: 100, jitter: 0.5 }, () => 0),
    400,
  );
  assert.equal(
    backoffDelay(3, { initialDelayMs: 100, jitter: 0.5 }, () => 1),
    200,
  );
});

test('sleep ends early and rejects when the signal aborts', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const waiting = sleep(10_000, controller.signal);
  setTimeout(() => controller.abort(new Error('revoked')), 20);
  await assert.rejects(waiting, /revoked/);
  assert.ok(Date.now() - started < 1000);
});
