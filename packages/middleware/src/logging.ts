import type { MiddlewareFn } from '@tributary/core';
import type { Logger } from 'pino';

export interface LoggingOptions {
  /** Base logger; default: the message context's own. */
  logger?: Logger;
  /** A handler slower than this gets a warning — the seed's "slow processing" threshold. Default 100 ms. */
  slowHandlerMs?: number;
  /** Log every processed message at debug level. Default false. */
  logEachMessage?: boolean;
}

/**
 * Gives each message a child logger on `ctx.logger` (group, topic, partition, offset, key, attempt),
 * writes one line per failure with the error, and warns about slow handlers. Secrets never reach it:
 * it logs coordinates and errors, never configs or payloads.
 */
export function logging(options: LoggingOptions = {}): MiddlewareFn {
  const { slowHandlerMs = 100, logEachMessage = false } = options;
  return async (ctx, next) => {
    const m = ctx.message;
    ctx.logger = (options.logger ?? ctx.logger).child({
      group: ctx.groupId,
      handler: ctx.handler,
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      key: m.key,
      attempt: ctx.attempt,
    });
    const started = performance.now();
    try {
      await next();
    } catch (err) {
      ctx.logger.error(
        { err, attempt: ctx.attempt, durationMs: Math.round(performance.now() - started) },
        `${ctx.handler} failed`,
      );
      throw err;
    }
    const durationMs = performance.now() - started;
    if (durationMs > slowHandlerMs) {
      ctx.logger.warn(
        { durationMs: Math.round(durationMs), slowHandlerMs },
        `slow handler: ${ctx.handler} took ${Math.round(durationMs)} ms`,
      );
    } else if (logEachMessage) {
      ctx.logger.debug({ durationMs, outcome: ctx.outcome ?? 'done' }, 'processed');
    }
  };
}
