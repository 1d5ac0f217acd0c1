import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeContext } from '../testing/fake-context.js';
import { IdempotencyBusyError, idempotent } from './idempotent.js';
import { MemoryIdempotencyStore } from './memory-store.js';

test('memory store: claim, busy for others, done after complete, expiry of leases and keys', async () => {
  let now = 0;
  const store = new MemoryIdempotencyStore(() => now);
  assert.equal(await store.claim('k', 'a', 100), 'claimed');
  assert.equal(await store.claim('k', 'b', 100), 'busy');
  now = 150; // a's lease expired (a crashed)
  assert.equal(await store.claim('k', 'b', 100), 'claimed');
  await store.complete('k', 'b', 1000);
  assert.equal(await store.claim('k', 'a', 100), 'done');
  now = 1200;
  assert.equal(await store.claim('k', 'a', 100), 'claimed', 'done keys expire after their ttl');
  await store.release('k', 'someone-else');
  assert.equal(await store.claim('k', 'b', 100), 'busy', 'only the owner releases');
  await store.release('k', 'a');
  assert.equal(await store.claim('k', 'b', 100), 'claimed');
});

test('idempotent(): the side effect runs once per key; a failure releases the claim for the retry', async () => {
  const store = new MemoryIdempotencyStore();
  const mw = idempotent<{ eventId: string }>({ key: (m) => m.value.eventId, store });
  let effects = 0;
  const ctx1 = fakeContext();
  await mw(ctx1, async () => {
    effects++;
  });
  const ctx2 = fakeContext({ offset: 99 });
  await mw(ctx2, async () => {
    effects++;
  });
  assert.equal(effects, 1);
  assert.equal(ctx2.outcome, 'skipped');

  const failing = fakeContext({ value: { eventId: 'e-2' } });
  await assert.rejects(
    mw(failing, async () => Promise.reject(new Error('smtp down'))),
    /smtp down/,
  );
  await mw(fakeContext({ value: { eventId: 'e-2' } }), async () => {
    effects++;
  });
  assert.equal(effects, 2, 'e-2 ran after its failed attempt released the claim');
});

test('idempotent(): a key claimed by another instance is a retryable busy error', async () => {
  const store = new MemoryIdempotencyStore();
  await store.claim('e-1', 'other-instance', 60_000);
  await assert.rejects(
    idempotent<{ eventId: string }>({ key: (m) => m.value.eventId, store, owner: 'me' })(fakeContext(), async () => {}),
    IdempotencyBusyError,
  );
});
