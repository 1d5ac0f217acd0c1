import { type BatchContext, type Message, type Next, PauseRequest } from '@tributary/core';
import { RETRY_EXHAUSTED } from './retry-state.js';

/**
 * `retry({ splitOnFailure: true })` on a batch: the whole batch runs once; a failing part is split
 * in halves, each run on its own, down to single messages, which get the usual attempts with
 * backoff. Messages that succeed are never run again. When some still fail, `ctx.messages` is left
 * as exactly those (the DLQ takes them), `ctx.attempt` as the most attempts one of them had, and
 * the last error is rethrown. A pause or an abort (revoke, stop) ends the splitting at once.
 */
export async function retrySplitting(
  ctx: BatchContext,
  next: Next,
  /** The usual attempts with backoff (`retryAttempts` with the middleware's options). */
  attempts: (ctx: BatchContext, next: Next) => Promise<void>,
): Promise<void> {
  const base = ctx.attempt;
  const failed: Message[] = [];
  let lastError: unknown;
  let mostAttempts = base;

  const run = async (part: readonly Message[]): Promise<void> => {
    const open = new Set(ctx.unsettled);
    const messages = part.filter((m) => open.has(m));
    if (messages.length === 0) return;
    ctx.messages = messages;
    ctx.outcome = undefined;
    if (messages.length === 1) {
      ctx.attempt = base;
      try {
        await attempts(ctx, next);
      } catch (error) {
        if (PauseRequest.is(error) || ctx.signal.aborted) throw error;
        failed.push(...messages.filter((m) => new Set(ctx.unsettled).has(m)));
        lastError = error;
        mostAttempts = Math.max(mostAttempts, ctx.attempt);
      }
      return;
    }
    try {
      await next();
    } catch (error) {
      if (PauseRequest.is(error) || ctx.signal.aborted) throw error;
      const middle = Math.ceil(messages.length / 2);
      await run(messages.slice(0, middle));
      await run(messages.slice(middle));
    }
  };

  await run(ctx.unsettled);
  if (failed.length === 0) return;
  ctx.messages = failed;
  ctx.attempt = mostAttempts;
  ctx.state.set(RETRY_EXHAUSTED, { attempts: mostAttempts, retryable: true });
  throw lastError;
}
