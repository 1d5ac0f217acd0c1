import { HandlerError, PauseRequest } from '../errors.js';
import { LoggedPayload } from '../log-serializers.js';
import type { BatchContext, MessageOutcome } from '../message.js';
import { BatchRunContext } from './batch-context.js';
import { coreRetryBackoffMs, type ExecutorDeps, sleepUnlessAborted, waitOutPause } from './executor.js';
import type { LaneSlot } from './lane-slot.js';
import type { PipelineMessage } from './message-envelope.js';

/**
 * Runs one batch (messages of one lane, in offset order) through its middleware and handler.
 * Invariants, as for a single message (`execute`): a message's offset is marked done only with a
 * final outcome; what the chain did not settle is retried with backoff on the same lane, never
 * skipped; the loop gives up on unsettled messages (without marking them done) only when the
 * partition is being revoked or drained, or the group stops. Settled messages leave memory at
 * once, so a partial `resolve` lets the commit move while the rest runs.
 */
export async function executeBatch(messages: PipelineMessage[], deps: ExecutorDeps, slot?: LaneSlot): Promise<void> {
  const owner = (messages[0] as PipelineMessage).owner;
  for (const m of messages) owner.started(m.offset);
  const timed = deps.events.listenerCount('message.processed') > 0;
  const started = timed ? performance.now() : 0;
  const settleOne = (m: PipelineMessage, outcome: MessageOutcome) => {
    owner.offsets.markDone(m.offset);
    owner.doneAt = deps.counters.lastPollAt;
    deps.counters.processed += 1;
    owner.finished();
    deps.release(m);
    if (timed)
      deps.events.emit('message.processed', {
        groupId: deps.groupId,
        handler: m.handler.name,
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        durationMs: performance.now() - started,
        outcome,
        attempts: ctx.attempt,
      });
  };
  const first = messages[0] as PipelineMessage;
  const ctx = new BatchRunContext(deps.groupId, first.handler.name, messages, deps.logger, settleOne, () =>
    owner.handlerSignal(),
  );
  const chain = deps.chainOf(first) as unknown as (ctx: BatchContext) => Promise<void>;
  try {
    for (;;) {
      ctx.messages = ctx.unsettled;
      try {
        await chain(ctx);
        ctx.settleSucceeded();
        ctx.settle(ctx.unsettled, ctx.outcome ?? 'done');
        return;
      } catch (cause) {
        ctx.settleSucceeded();
        if (ctx.finished) return; // everything settled before the error escaped
        if (PauseRequest.is(cause)) {
          const first = ctx.unsettled[0] as PipelineMessage;
          deps.events.emit('message.paused', {
            groupId: deps.groupId,
            topic: first.topic,
            partition: first.partition,
            offset: first.offset,
            ms: cause.ms,
          });
          if (!(await waitOutPause(cause.ms, owner, slot))) return; // not done: the next owner runs them
          ctx.outcome = undefined;
          continue;
        }
        if (!(await failed(ctx, cause, deps))) return;
        ctx.attempt += 1;
        ctx.outcome = undefined;
      }
    }
  } finally {
    // Given up (revoke, drain, stop): the unsettled messages leave memory unfinished.
    for (const m of ctx.unsettled) {
      owner.finished();
      deps.release(m);
    }
    ctx.release();
  }
}

/** Reports a failed run of the batch and waits its backoff; false when the lane gives up instead. */
async function failed(ctx: BatchRunContext<PipelineMessage>, cause: unknown, deps: ExecutorDeps): Promise<boolean> {
  const unsettled = ctx.unsettled;
  const first = unsettled[0] as PipelineMessage;
  const { owner } = first;
  deps.counters.failures += 1;
  for (const m of unsettled) {
    m.failingSince ??= Date.now();
    m.failures += 1;
    deps.events.emit('message.failed', {
      groupId: deps.groupId,
      handler: ctx.handler,
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      attempt: ctx.attempt,
      error: cause instanceof Error ? cause : new HandlerError(ctx.handler, m, ctx.attempt, { cause }),
    });
  }
  if (owner.leaving || owner.abortReason) return false;
  const backoff = coreRetryBackoffMs(deps, ctx.attempt);
  const last = unsettled[unsettled.length - 1] as PipelineMessage;
  deps.logger.error(
    {
      err: cause,
      topic: first.topic,
      partition: first.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      unsettled: unsettled.length,
      attempt: ctx.attempt,
      retryInMs: backoff,
      payload: new LoggedPayload(first),
    },
    `${ctx.handler} failed on a batch of ${unsettled.length} from ${first.topic}/${first.partition}@${first.offset}..${last.offset} (attempt ${ctx.attempt}); its lane holds at these messages and retries`,
  );
  await sleepUnlessAborted(backoff, owner.revokeSignal);
  return !owner.leaving;
}
