import {
  type AnyContext,
  type BatchAwareMiddlewareFn,
  handlesBatches,
  isBatch,
  LoggedPayload,
  type LogPayloads,
  logSerializers,
  PauseRequest,
} from '@tributary/core';
import type { Logger } from 'pino';
import { retryBackoffMs } from './retry/retry.js';
import { runNext } from './run-next.js';

export interface LoggingOptions {
  /** Base logger; default: the message context's own. */
  logger?: Logger;
  /** A handler slower than this gets a warning — the seed's "slow processing" threshold. Default 100 ms. */
  slowHandlerMs?: number;
  /** Log every processed message at debug level. Default false. */
  logEachMessage?: boolean;
  /**
   * How much of the message's value and headers the lines of this middleware may show (see
   * `LogPayloads`). Default: what the app's logger allows (its `logPayloads`, 'none' unless set),
   * and 'none' with a `logger` of your own.
   */
  logPayloads?: LogPayloads;
}

/**
 * Makes `ctx.logger` carry the message's coordinates (group, handler, topic, partition, offset, key,
 * attempt), writes one line per failure with the error, and warns about slow handlers. Secrets never
 * reach it: it logs coordinates and errors, never configs; payload bytes only as `logPayloads` allows.
 * Durations leave out the retry middleware's backoff, so `logging()` outside `retry()` times the
 * handler's attempts, not the waits between them.
 *
 * Without its own `logger` it builds nothing per message: the core's `ctx.logger` is already such a
 * child, created only when a line is written. (An eager pino child per message — bindings run through
 * redaction — cost more than everything else in the default stack together: ~15 µs of ~18.)
 */
export function logging(options: LoggingOptions = {}): BatchAwareMiddlewareFn {
  const { slowHandlerMs = 100, logEachMessage = false } = options;
  const serializers = options.logger || options.logPayloads ? logSerializers(options.logPayloads ?? 'none') : undefined;
  // Built once: a given logger gets the serializers that keep payload bytes out of its lines.
  const base = options.logger?.child({}, { serializers });
  const handlingMs = (ctx: AnyContext, started: number, backoffBefore: number) =>
    performance.now() - started - (retryBackoffMs(ctx) - backoffBefore);
  const failed = (ctx: AnyContext, err: unknown, started: number, backoffBefore: number): never => {
    if (PauseRequest.is(err)) {
      ctx.logger.debug({ pauseMs: err.ms }, `${ctx.handler} paused its lane`);
      throw err;
    }
    // logPayloads without a logger of its own: this line's serializers differ from ctx.logger's.
    const logger = serializers && !base ? ctx.logger.child({}, { serializers }) : ctx.logger;
    logger.error(
      {
        err,
        attempt: ctx.attempt,
        durationMs: Math.round(handlingMs(ctx, started, backoffBefore)),
        ...(isBatch(ctx) ? { batchSize: ctx.messages.length } : { payload: new LoggedPayload(ctx.message) }),
      },
      `${ctx.handler} failed`,
    );
    throw err;
  };
  const succeeded = (ctx: AnyContext, started: number, backoffBefore: number) => {
    const durationMs = handlingMs(ctx, started, backoffBefore);
    if (durationMs > slowHandlerMs) {
      const backoffMs = retryBackoffMs(ctx) - backoffBefore;
      ctx.logger.warn(
        {
          durationMs: Math.round(durationMs),
          slowHandlerMs,
          ...(backoffMs > 0 && { retryBackoffMs: Math.round(backoffMs) }),
        },
        `slow handler: ${ctx.handler} took ${Math.round(durationMs)} ms`,
      );
    } else if (logEachMessage) {
      ctx.logger.debug({ durationMs, outcome: ctx.outcome ?? 'done' }, 'processed');
    }
  };
  // Not async: per message one `.then` on next() instead of an async function's promise and an await.
  return handlesBatches((ctx, next) => {
    if (base) ctx.logger = childWithCoordinates(base, ctx);
    const started = performance.now();
    const backoffBefore = retryBackoffMs(ctx);
    return runNext(next).then(
      () => succeeded(ctx, started, backoffBefore),
      (err) => failed(ctx, err, started, backoffBefore),
    );
  });
}

function childWithCoordinates(logger: Logger, ctx: AnyContext): Logger {
  if (isBatch(ctx)) {
    const first = ctx.messages[0];
    return logger.child({
      group: ctx.groupId,
      handler: ctx.handler,
      topic: first?.topic,
      partition: first?.partition,
      firstOffset: first?.offset,
      lastOffset: ctx.messages[ctx.messages.length - 1]?.offset,
      batchSize: ctx.messages.length,
      attempt: ctx.attempt,
    });
  }
  const m = ctx.message;
  return logger.child({
    group: ctx.groupId,
    handler: ctx.handler,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: m.key,
    attempt: ctx.attempt,
  });
}
