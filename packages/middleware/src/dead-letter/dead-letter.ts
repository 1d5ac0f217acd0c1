import { LoggedPayload, type MessageContext, type MiddlewareFn, PauseRequest, TributaryError } from '@tributary/core';
import type { ProducerRecord } from '../producer/tributary-producer.js';
import { dlqHeaders } from './dlq-headers.js';

export interface DeadLetterOptions {
  /** Anything with `send(record)` that resolves once the broker acknowledged (a `TributaryProducer`). */
  producer: { send(record: ProducerRecord): Promise<void> };
  /** Dead-letter topic of a source topic. Default `<topic>.dlq`. */
  topic?: (sourceTopic: string) => string;
  maxStackLength?: number;
  /** Called after a message was dead-lettered (metrics, alerts). */
  onDeadLettered?: (ctx: MessageContext, error: unknown, dlqTopic: string) => void;
}

/** The dead-letter write failed: the message stays uncommitted and is tried again. */
export class DeadLetterError extends TributaryError {
  override readonly name = 'DeadLetterError';
}

/**
 * Final failures go to a dead-letter topic. Put it outside `retry()`: whatever error reaches it
 * is final (retries exhausted, or not retryable such as a validation failure). The original key,
 * value bytes and headers are copied untouched, with the failure described in extra headers.
 * The message's outcome becomes `dead-lettered` — so its offset may be committed — only after the
 * DLQ write was acknowledged; if the write fails, the error propagates and nothing is committed.
 */
export function deadLetter(options: DeadLetterOptions): MiddlewareFn {
  const dlqTopic = options.topic ?? ((topic: string) => `${topic}.dlq`);
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (PauseRequest.is(error)) throw error; // ctx.pause(): not a failure
      const topic = dlqTopic(ctx.message.topic);
      try {
        await options.producer.send({
          topic,
          key: ctx.message.rawKey,
          value: ctx.message.rawValue,
          headers: dlqHeaders(ctx, error, options.maxStackLength),
        });
      } catch (writeError) {
        throw new DeadLetterError(
          `cannot dead-letter ${ctx.message.topic}/${ctx.message.partition}@${ctx.message.offset} to ${topic}: ${(writeError as Error).message}`,
          { cause: error },
        );
      }
      ctx.outcome = 'dead-lettered';
      ctx.logger.warn({ err: error, dlq: topic, payload: new LoggedPayload(ctx.message) }, 'message dead-lettered');
      options.onDeadLettered?.(ctx, error, topic);
    }
  };
}
