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
  return handlesBatches(async (ctx, next) => {
    if (base) ctx.logger = childWithCoordinates(base, ctx);
    const started = performance.now();
    const backoffBefore = retryBackoffMs(ctx);
    const handlingMs = () => performance.now() - started - (retryBackoffMs(ctx) - backoffBefore);
    try {
      await next();
    } catch (err) {
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
          durationMs: Math.round(handlingMs()),
          ...(isBatch(ctx) ? { batchSize: ctx.messages.length } : { payload: new LoggedPayload(ctx.message) }),
        },
        `${ctx.handler} failed`,
      );
      throw err;
    }
    const durationMs = handlingMs();
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
