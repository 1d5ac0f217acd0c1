import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { HandlerError, PauseRequest } from '../errors.js';
import type { TributaryEvents } from '../events.js';
import { LoggedPayload } from '../log-serializers.js';
import type { MessageContext, MessageOutcome } from '../message.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import type { LaneSlot } from './lane-slot.js';
import type { PipelineMessage } from './message-envelope.js';
import { RunContext } from './run-context.js';

export interface ExecutorDeps {
  groupId: string;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
  /** The composed middleware + handler chain of a handler. */
  chainOf: (message: PipelineMessage) => (ctx: MessageContext) => Promise<void>;
  retryBackoffMs: { initial: number; max: number };
  /** Called when a message leaves the pipeline (final outcome or given up on revoke/stop). */
  release: (message: PipelineMessage) => void;
  /** Counted here, not by listening to the events: a listener per group ran for every message of every group. */
  counters: { processed: number; failures: number; lastPollAt: number };
}

/**
 * A message's context, and its run: what every attempt shares (one object per message, not two).
 * `deps`, `slot`, `chain` and `started` are the executor's (handlers see `MessageContext`, which has
 * none of them); `started` < 0: nobody listens for `message.processed`.
 */
class Context extends RunContext implements MessageContext {
  constructor(
    readonly message: PipelineMessage,
    readonly deps: ExecutorDeps,
    readonly slot: LaneSlot | undefined,
    readonly chain: (ctx: MessageContext) => Promise<void>,
    readonly started: number,
  ) {
    super(deps.groupId, deps.logger);
  }

  protected createSignal() {
    return this.message.owner.handlerSignal();
  }

  get handler() {
    return this.message.handler.name;
  }

  protected loggerBindings() {
    return {
      handler: this.message.handler.name,
      topic: this.message.topic,
      partition: this.message.partition,
      offset: this.message.offset,
      key: this.message.key,
      attempt: this.attempt,
    };
  }
}

const coordinates = (m: PipelineMessage) => ({ topic: m.topic, partition: m.partition, offset: m.offset });

/** The core's wait before retrying work that failed on `attempt`: doubled per attempt, capped. */
export function coreRetryBackoffMs(deps: Pick<ExecutorDeps, 'retryBackoffMs'>, attempt: number): number {
  return Math.min(deps.retryBackoffMs.max, deps.retryBackoffMs.initial * 2 ** (attempt - 1));
}

/**
 * Waits out a `ctx.pause(ms)`. The wait only waits: its concurrency slot serves other lanes meanwhile
 * (its lane stays held), so paused partitions (retry topics waiting for their heads) never starve the
 * others. False when the partition left meanwhile (revoke, drain, stop): the work is given up.
 */
export async function waitOutPause(ms: number, owner: OwnedPartition, slot?: LaneSlot): Promise<boolean> {
  slot?.release();
  await sleepUnlessAborted(ms, owner.revokeSignal);
  if (owner.leaving || owner.abortReason) return false;
  await slot?.reacquire();
  return !(owner.leaving || owner.abortReason);
}

/** Sleeps `ms`, or less when `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs one message through its middleware and handler until it reaches a final outcome.
 * Invariant: the offset is marked done only after a final outcome; an error that escapes the
 * chain is logged, counted, and retried with backoff on the same lane — never skipped. The loop
 * gives up (without marking done) only when the partition is being revoked or the group stops.
 *
 * The first attempt is a `.then` on the chain's promise, not an `async` function: on the path
 * every message takes that saved a promise and an await; a failure or a pause goes on in
 * `attemptsAfter`, which owns the retry loop.
 */
export function execute(message: PipelineMessage, deps: ExecutorDeps, slot?: LaneSlot): Promise<void> {
  message.owner.started(message.offset);
  // The event (and its clock reads) only when someone listens: metrics, tests, the user.
  const started = deps.events.listenerCount('message.processed') > 0 ? performance.now() : -1;
  const ctx = new Context(message, deps, slot, deps.chainOf(message), started);
  return attempt(ctx).then(
    () => {
      try {
        succeeded(ctx);
      } catch (cause) {
        return attemptsAfter(ctx, cause); // a throwing listener: as before, treated as a failure
      }
      finish(ctx);
    },
    (cause) => attemptsAfter(ctx, cause),
  );
}

function attempt(ctx: Context): Promise<void> {
  try {
    return ctx.chain(ctx);
  } catch (cause) {
    return Promise.reject(cause);
  }
}

/** The final outcome: the offset is done. */
function succeeded(ctx: Context): void {
  const { message, deps, started } = ctx;
  const outcome: MessageOutcome = ctx.outcome ?? 'done';
  message.owner.offsets.markDone(message.offset);
  message.owner.doneAt = deps.counters.lastPollAt; // the poll's clock: no clock read per message
  deps.counters.processed += 1;
  if (started < 0) return;
  deps.events.emit('message.processed', {
    groupId: deps.groupId,
    handler: ctx.handler,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    durationMs: performance.now() - started,
    outcome,
    attempts: ctx.attempt,
  });
}

/** The message left the executor (done, or given up on for the next owner). */
function finish(ctx: Context): void {
  const { message, deps } = ctx;
  message.owner.finished();
  ctx.release();
  deps.release(message);
}

/** After a failed (or paused) attempt: backs off and runs the chain again until a final outcome. */
async function attemptsAfter(ctx: Context, firstCause: unknown): Promise<void> {
  const { message, deps, slot } = ctx;
  const { owner } = message;
  let cause = firstCause;
  try {
    for (;;) {
      if (PauseRequest.is(cause)) {
        deps.events.emit('message.paused', { groupId: deps.groupId, ...coordinates(message), ms: cause.ms });
        if (!(await waitOutPause(cause.ms, owner, slot))) return; // not done: the next owner runs it
        ctx.outcome = undefined;
      } else {
        const error = new HandlerError(ctx.handler, message, ctx.attempt, { cause });
        deps.counters.failures += 1;
        message.failingSince ??= Date.now();
        message.failures += 1;
        deps.events.emit('message.failed', {
          groupId: deps.groupId,
          handler: ctx.handler,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          attempt: ctx.attempt,
          error: cause instanceof Error ? cause : error,
        });
        if (owner.leaving || owner.abortReason) return; // not done: the next owner (or the seek) decides
        const backoff = coreRetryBackoffMs(deps, ctx.attempt);
        // The error's text is in `err` only: HandlerError's message repeats its cause's.
        deps.logger.error(
          {
            err: cause,
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            attempt: ctx.attempt,
            retryInMs: backoff,
            payload: new LoggedPayload(message),
          },
          `${ctx.handler} failed on ${message.topic}/${message.partition}@${message.offset} (attempt ${ctx.attempt}); its lane holds at this message and retries`,
        );
        await sleepUnlessAborted(backoff, owner.revokeSignal);
        if (owner.leaving) return;
        ctx.attempt += 1;
        ctx.outcome = undefined;
      }
      try {
        await attempt(ctx);
        succeeded(ctx);
        return;
      } catch (next) {
        cause = next;
      }
    }
  } finally {
    finish(ctx);
  }
}
