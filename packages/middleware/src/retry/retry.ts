import {
  type AnyContext,
  type BatchAwareMiddlewareFn,
  handlesBatches,
  isBatch,
  type Message,
  type Next,
  PauseRequest,
} from '@tributary/core';
import { runNext } from '../run-next.js';
import { type BackoffOptions, backoffDelay, sleep } from './backoff.js';
import { RETRY_BACKOFF_MS, RETRY_EXHAUSTED, retryBackoffMs } from './retry-state.js';
import { retrySplitting } from './split-batch.js';

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Whether an error is worth another attempt. Default: anything not marked `retryable: false`. */
  retryable?: (error: unknown) => boolean;
  /** Called before each new attempt (metrics, logs). */
  onRetry?: (ctx: AnyContext, error: unknown, delayMs: number) => void;
  /**
   * Batch handlers only: when a batch fails, run its halves (and theirs) instead of the whole batch
   * again, down to single messages, which get `maxAttempts`; only the messages that still fail go
   * on (to the DLQ). Default false: the batch is retried as a whole.
   */
  splitOnFailure?: boolean;
}

/** Errors that say so (`DeserializationError`, validation failures) are never retried. */
export const defaultRetryable = (error: unknown): boolean =>
  (error as { retryable?: unknown } | null)?.retryable !== false;

export { RETRY_BACKOFF_MS, RETRY_EXHAUSTED, retryBackoffMs } from './retry-state.js';

/**
 * Retries the rest of the chain with exponential backoff and jitter, up to `maxAttempts`.
 * `ctx.attempt` counts attempts. The wait holds only this message's lane (the consumer keeps
 * polling, so long backoffs never break `max.poll.interval.ms`); it ends early when `ctx.signal`
 * aborts (revoke, shutdown). The last error is rethrown for the dead-letter middleware or the core.
 */
export function retry(options: RetryOptions = {}): BatchAwareMiddlewareFn {
  const { maxAttempts = 3 } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`retry: maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  return handlesBatches((ctx, next) =>
    options.splitOnFailure && isBatch(ctx)
      ? retrySplitting(ctx, next, (c, n) => retryAttempts(c, n, options))
      : retryAttempts(ctx, next, options),
  );
}

/**
 * Runs `next` until it succeeds or the attempts are used up. A batch runs its unsettled messages
 * each time (a partial `resolve` shrinks what is retried). The first attempt is a plain `.catch`
 * on `next()`: an `async` layer around every message cost a promise and an await for nothing.
 */
export function retryAttempts(ctx: AnyContext, next: Next, options: RetryOptions): Promise<void> {
  const first = ctx.attempt;
  // A batch's messages as given (retry's split narrows them to one): each attempt runs those still unsettled.
  const given = isBatch(ctx) ? ctx.messages : undefined;
  return runNext(next).catch((error) => retryAfter(error, ctx, next, options, first, given));
}

/** After a failed attempt: waits and runs `next` again until it succeeds or the attempts are used up. */
async function retryAfter(
  failure: unknown,
  ctx: AnyContext,
  next: Next,
  options: RetryOptions,
  first: number,
  given: readonly Message[] | undefined,
): Promise<void> {
  const { maxAttempts = 3, retryable = defaultRetryable } = options;
  let error = failure;
  for (;;) {
    if (PauseRequest.is(error)) throw error; // ctx.pause(): not a failure, the core waits and reruns
    const attemptsHere = ctx.attempt - first + 1;
    if (!retryable(error) || attemptsHere >= maxAttempts || ctx.signal.aborted) {
      ctx.state.set(RETRY_EXHAUSTED, { attempts: ctx.attempt, retryable: retryable(error) });
      throw error;
    }
    const delayMs = backoffDelay(attemptsHere, options);
    options.onRetry?.(ctx, error, delayMs);
    const sleptFrom = performance.now();
    const failed = error;
    await sleep(delayMs, ctx.signal).catch(() => {
      throw failed; // aborted while waiting: give the message back with its own error
    });
    // Recorded only for a wait that led to another attempt, so a total > 0 implies attempt > 1.
    ctx.state.set(RETRY_BACKOFF_MS, retryBackoffMs(ctx) + (performance.now() - sleptFrom));
    ctx.attempt += 1;
    ctx.outcome = undefined;
    if (isBatch(ctx) && given) {
      const open = new Set(ctx.unsettled);
      ctx.messages = given.filter((m) => open.has(m));
    }
    try {
      await next();
      return;
    } catch (nextError) {
      error = nextError;
    }
  }
}
