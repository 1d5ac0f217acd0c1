import {
  type AnyContext,
  type BatchAwareMiddlewareFn,
  type BatchContext,
  handlesBatches,
  isBatch,
  LoggedPayload,
  type Message,
  PauseRequest,
  TributaryError,
} from '@tributary/core';
import type { ProducerRecord } from '../producer/tributary-producer.js';
import { runNext } from '../run-next.js';
import { dlqHeaders } from './dlq-headers.js';

export interface DeadLetterOptions {
  /** Anything with `send(record)` that resolves once the broker acknowledged (a `TributaryProducer`). */
  producer: { send(record: ProducerRecord): Promise<void> };
  /** Dead-letter topic of a source topic. Default `<topic>.dlq`. */
  topic?: (sourceTopic: string) => string;
  maxStackLength?: number;
  /** Called after a message (or a batch's failed messages) was dead-lettered (metrics, alerts). */
  onDeadLettered?: (ctx: AnyContext, error: unknown, dlqTopic: string) => void;
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
export function deadLetter(options: DeadLetterOptions): BatchAwareMiddlewareFn {
  const dlqTopic = options.topic ?? ((topic: string) => `${topic}.dlq`);
  const write = async (ctx: AnyContext, message: Message, error: unknown) => {
    const topic = dlqTopic(message.topic);
    try {
      await options.producer.send({
        topic,
        key: message.rawKey,
        value: message.rawValue,
        headers: dlqHeaders(
          { groupId: ctx.groupId, handler: ctx.handler, attempt: ctx.attempt, message },
          error,
          options.maxStackLength,
        ),
      });
    } catch (writeError) {
      throw new DeadLetterError(
        `cannot dead-letter ${message.topic}/${message.partition}@${message.offset} to ${topic}: ${(writeError as Error).message}`,
        { cause: error },
      );
    }
    return topic;
  };
  const onFailure = async (ctx: AnyContext, error: unknown) => {
    if (PauseRequest.is(error)) throw error; // ctx.pause(): not a failure
    if (isBatch(ctx)) return deadLetterBatch(ctx, error, write, options);
    const topic = await write(ctx, ctx.message, error);
    ctx.outcome = 'dead-lettered';
    ctx.logger.warn({ err: error, dlq: topic, payload: new LoggedPayload(ctx.message) }, 'message dead-lettered');
    options.onDeadLettered?.(ctx, error, topic);
  };
  // Not async: a message that succeeds costs this layer one `.catch`, not an async function and an await.
  return handlesBatches((ctx, next) => runNext(next).catch((error) => onFailure(ctx, error)));
}

/**
 * A batch's failure: every message of it not settled yet is written (in offset order), each with
 * its own decoding error when it has one, then settled as `dead-lettered` — one by one, so a write
 * that fails midway leaves the written ones settled and the rest to be retried.
 */
async function deadLetterBatch(
  ctx: BatchContext,
  error: unknown,
  write: (ctx: AnyContext, message: Message, error: unknown) => Promise<string>,
  options: DeadLetterOptions,
): Promise<void> {
  const failed = ctx.unsettled;
  let topic = '';
  for (const message of failed) {
    topic = await write(ctx, message, decodingError(message) ?? error);
    ctx.settle([message], 'dead-lettered');
  }
  ctx.logger.warn(
    { err: error, dlq: topic, count: failed.length },
    `${failed.length} messages of a batch dead-lettered`,
  );
  options.onDeadLettered?.(ctx, error, topic);
}

/** The message's own decoding (or schema) error, if its value cannot be read. */
function decodingError(message: Message): unknown {
  try {
    void message.value;
    return undefined;
  } catch (error) {
    return error;
  }
}
