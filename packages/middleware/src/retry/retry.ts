import { type MessageContext, type MiddlewareFn, PauseRequest } from '@tributary/core';
import { type BackoffOptions, backoffDelay, sleep } from './backoff.js';

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Whether an error is worth another attempt. Default: anything not marked `retryable: false`. */
  retryable?: (error: unknown) => boolean;
  /** Called before each new attempt (metrics, logs). */
  onRetry?: (ctx: MessageContext, error: unknown, delayMs: number) => void;
}

/** Errors that say so (`DeserializationError`, validation failures) are never retried. */
export const defaultRetryable = (error: unknown): boolean =>
  (error as { retryable?: unknown } | null)?.retryable !== false;

/** What the retry middleware leaves in `ctx.state` for outer middleware (the DLQ reads it). */
export const RETRY_EXHAUSTED = Symbol.for('tributary:retry-exhausted');

/** `ctx.state` key: milliseconds the retry middleware slept between attempts of this message, in all. */
export const RETRY_BACKOFF_MS = Symbol.for('tributary:retry-backoff-ms');

/**
 * How long retry() has slept between attempts of this message so far, for outer middleware that
 * times the handler (logging's slow-handler warning must not count the backoff). Reads `ctx.state`
 * only after a retry (attempt > 1), so timing a message that succeeds first time allocates nothing.
 */
export function retryBackoffMs(ctx: MessageContext): number {
  return ctx.attempt === 1 ? 0 : ((ctx.state.get(RETRY_BACKOFF_MS) as number | undefined) ?? 0);
}

/**
 * Retries the rest of the chain with exponential backoff and jitter, up to `maxAttempts`.
 * `ctx.attempt` counts attempts. The wait holds only this message's lane (the consumer keeps
 * polling, so long backoffs never break `max.poll.interval.ms`); it ends early when `ctx.signal`
 * aborts (revoke, shutdown). The last error is rethrown for the dead-letter middleware or the core.
 */
export function retry(options: RetryOptions = {}): MiddlewareFn {
  const { maxAttempts = 3, retryable = defaultRetryable } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`retry: maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  return async (ctx, next) => {
    const first = ctx.attempt;
    for (;;) {
      try {
        await next();
        return;
      } catch (error) {
        if (PauseRequest.is(error)) throw error; // ctx.pause(): not a failure, the core waits and reruns
        const attemptsHere = ctx.attempt - first + 1;
        if (!retryable(error) || attemptsHere >= maxAttempts || ctx.signal.aborted) {
          ctx.state.set(RETRY_EXHAUSTED, { attempts: ctx.attempt, retryable: retryable(error) });
          throw error;
        }
        const delayMs = backoffDelay(attemptsHere, options);
        options.onRetry?.(ctx, error, delayMs);
        const sleptFrom = performance.now();
        await sleep(delayMs, ctx.signal).catch(() => {
          throw error; // aborted while waiting: give the message back with its own error
        });
        // Recorded only for a wait that led to another attempt, so a total > 0 implies attempt > 1.
        ctx.state.set(RETRY_BACKOFF_MS, retryBackoffMs(ctx) + (performance.now() - sleptFrom));
        ctx.attempt += 1;
        ctx.outcome = undefined;
      }
    }
  };
}
