import type { BatchContext, Message } from '../message.js';
import type { BatchSpec } from '../model/definitions.js';

/** What the batch executor's context offers the innermost step (see `BatchRunContext`). */
interface RunnableBatchContext extends BatchContext {
  markSucceeded(messages: readonly Message[]): void;
}

/**
 * The innermost step of a batch handler's chain: runs the method on `ctx.messages` that are still
 * unsettled. A message that cannot be decoded (or fails its schema) never reaches the method: the
 * others run, then the step throws the first decoding error with `ctx.messages` narrowed to the
 * undecodable ones, so retry gives up on them at once (not retryable) and the DLQ takes them —
 * one poison message does not fail the batch.
 */
export function batchHandlerStep(batch: BatchSpec): (ctx: BatchContext) => Promise<void> {
  return async (context) => {
    const ctx = context as RunnableBatchContext;
    const open = new Set(ctx.unsettled);
    const run = ctx.messages.filter((m) => open.has(m));
    if (run.length === 0) return;
    const decodable: Message[] = [];
    const undecodable: Message[] = [];
    let decodeError: unknown;
    for (const m of run) {
      try {
        void m.value;
        decodable.push(m);
      } catch (error) {
        decodeError ??= error;
        undecodable.push(m);
      }
    }
    if (decodable.length > 0) {
      ctx.messages = decodable;
      await batch.invoke(decodable, ctx);
      ctx.markSucceeded(decodable);
    }
    if (undecodable.length > 0) {
      ctx.messages = undecodable;
      throw decodeError;
    }
  };
}
