import type { AnyContext } from '@tributary/core';

/** What the retry middleware leaves in `ctx.state` for outer middleware (the DLQ reads it). */
export const RETRY_EXHAUSTED = Symbol.for('tributary:retry-exhausted');

/** `ctx.state` key: milliseconds the retry middleware slept between attempts of this message, in all. */
export const RETRY_BACKOFF_MS = Symbol.for('tributary:retry-backoff-ms');

/**
 * How long retry() has slept between attempts of this message so far, for outer middleware that
 * times the handler (logging's slow-handler warning must not count the backoff). Reads `ctx.state`
 * only after a retry (attempt > 1), so timing a message that succeeds first time allocates nothing.
 */
export function retryBackoffMs(ctx: AnyContext): number {
  return ctx.attempt === 1 ? 0 : ((ctx.state.get(RETRY_BACKOFF_MS) as number | undefined) ?? 0);
}
