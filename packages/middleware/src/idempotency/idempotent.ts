import { randomUUID } from 'node:crypto';
import { type Message, type MiddlewareFn, TributaryError } from '@tributary/core';
import { MemoryIdempotencyStore } from './memory-store.js';
import type { IdempotencyStore } from './store.js';

export interface IdempotencyOptions<T = unknown> {
  /** The business identity of a message, e.g. `msg => msg.value.eventId`. */
  key: (message: Message<T>) => string;
  /** How long a completed key is remembered. Default 24 h. */
  ttlMs?: number;
  /** How long a claim blocks other instances; longer than your slowest handler. Default 60 s. */
  leaseMs?: number;
  /** Default: in-memory (one process). Use `RedisIdempotencyStore` across instances. */
  store?: IdempotencyStore;
  /** Who claims (default: a random id per middleware instance). */
  owner?: string;
}

/** Another instance is processing the same key right now: retried later, never marked done. */
export class IdempotencyBusyError extends TributaryError {
  override readonly name = 'IdempotencyBusyError';
}

/**
 * Runs a message's side effect at most once per key — the seed's "never send a duplicate
 * notification" across redeliveries, rebalances and instances:
 * 1. claim the key with a short lease (`done` → skip with outcome `skipped`; someone else's
 *    claim → retryable `IdempotencyBusyError`);
 * 2. run the handler;
 * 3. record completion (on failure, release the claim so a retry can run).
 * The window that remains: a crash after the handler's side effect and before step 3 leaves a
 * claim that expires after `leaseMs`, and the redelivered message runs the handler again. Keep the
 * side effect itself idempotent where you can (e.g. pass the key to the email provider).
 */
export function idempotent<T = unknown>(options: IdempotencyOptions<T>): MiddlewareFn {
  const {
    ttlMs = 24 * 3600_000,
    leaseMs = 60_000,
    store = new MemoryIdempotencyStore(),
    owner = randomUUID(),
  } = options;
  return async (ctx, next) => {
    const key = options.key(ctx.message as Message<T>);
    const claim = await store.claim(key, owner, leaseMs);
    if (claim === 'done') {
      ctx.outcome = 'skipped';
      ctx.logger.debug({ idempotencyKey: key }, 'already processed: skipped');
      return;
    }
    if (claim === 'busy') throw new IdempotencyBusyError(`idempotency key ${key} is being processed elsewhere`);
    try {
      await next();
    } catch (error) {
      await store.release(key, owner).catch(() => undefined); // the lease expires anyway
      throw error;
    }
    await store.complete(key, owner, ttlMs);
  };
}
