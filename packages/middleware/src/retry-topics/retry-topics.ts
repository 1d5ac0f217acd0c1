import {
  LoggedPayload,
  type MessageContext,
  MIDDLEWARE_TOPICS,
  type MiddlewareFn,
  type MiddlewareTopics,
  PauseRequest,
  TributaryError,
} from '@tributary/core';
import { dlqHeaders } from '../dead-letter/dlq-headers.js';
import type { ProducerRecord } from '../producer/tributary-producer.js';
import { defaultRetryable } from '../retry/retry.js';
import { buildRetryHeaders, parseRetryHeaders, type RetryState, withoutRetryHeaders } from './retry-headers.js';
import {
  defaultRetryTopicName,
  nextStep,
  type RetryTopicName,
  retryTopicsOf,
  stageOf,
  validateDelays,
  waitUntilDue,
} from './retry-schedule.js';

export interface RetryTopicsOptions {
  /** One retry topic per delay: a message failing on its topic waits `delays[0]` ms in `<topic>.retry.1`, and so on. */
  delays: number[];
  /** Anything with `send(record)` that resolves once the broker acknowledged (a `TributaryProducer`). */
  producer: { send(record: ProducerRecord): Promise<void> };
  /**
   * After the last delay (or for an error not worth retrying): `true` (default) writes the message
   * to `<topic>.dlq` with the `deadLetter()` headers; `{ topic }` names the DLQ; `false` leaves the
   * error to the core, which holds that retry partition at the message and retries it in place.
   */
  dlq?: boolean | { topic: (originalTopic: string) => string };
  /** Retry topic names. Default `<topic>.retry.<n>` (n from 1). */
  topicName?: RetryTopicName;
  /** Whether an error is worth a retry topic. Default: anything not marked `retryable: false`. */
  retryable?: (error: unknown) => boolean;
  /** Longest stack in the DLQ headers. Default 2,000 characters. */
  maxStackLength?: number;
  /** Called after a message was written to a retry topic (metrics, alerts). */
  onRetryScheduled?: (ctx: MessageContext, error: unknown, retryTopic: string, dueAt: number) => void;
  /** Called after a message was dead-lettered. */
  onDeadLettered?: (ctx: MessageContext, error: unknown, dlqTopic: string) => void;
}

/** A write to a retry topic or the DLQ failed: the message stays uncommitted and runs again. */
export class RetryTopicError extends TributaryError {
  override readonly name = 'RetryTopicError';
}

/** The retry topics a `retryTopics()` middleware adds to each handler topic (and how they are consumed). */
export type RetryTopicsMiddleware = MiddlewareFn & { readonly [MIDDLEWARE_TOPICS]: MiddlewareTopics };

/** Beside `DlqHeader`'s (same prefix, so a replay drops it): the retry topic the message was last tried from. */
export const DLQ_LAST_TOPIC_HEADER = 'x-tributary-dlq-last-topic';

/**
 * Non-blocking retries through retry topics (Spring's `@RetryableTopic`): a message that fails is
 * written to `<topic>.retry.1` with its attempt, error and due time in headers and its offset moves
 * on, so the partition is not blocked. The same handler, with the same middleware chain, consumes
 * the retry topics (declared to the core under `MIDDLEWARE_TOPICS`, in partition ordering): each
 * retry partition is held at its head — `ctx.pause`, no handler sleeping — until the head is due,
 * then the message runs as attempt n + 1; a failure moves it on to the next retry topic, and after
 * the last delay to the DLQ. Invariants: a message's outcome is final (`retry-scheduled`,
 * `dead-lettered`) only after the broker acknowledged the copy — a failed write rethrows, so its
 * offset is not committed; the original coordinates and the attempt count travel in headers.
 * A retried message leaves its key's order: use `retry()` where order must hold.
 */
export function retryTopics(options: RetryTopicsOptions): RetryTopicsMiddleware {
  const delays = validateDelays(options.delays);
  const name = options.topicName ?? defaultRetryTopicName;
  const retryable = options.retryable ?? defaultRetryable;
  const dlqTopic =
    options.dlq === false
      ? undefined
      : typeof options.dlq === 'object'
        ? options.dlq.topic
        : (topic: string) => `${topic}.dlq`;

  const middleware: MiddlewareFn = async (ctx, next) => {
    const carried = parseRetryHeaders(ctx.message.headers);
    const stage = carried ? stageOf(ctx.message.topic, carried.originalTopic, delays, name) : 0;
    const state = stage > 0 ? carried : undefined;
    if (state) {
      if (state.group !== ctx.groupId) {
        // Another group's retry (both retry the same topic): it runs that message, not this one.
        ctx.outcome = 'skipped';
        ctx.logger.debug({ scheduledBy: state.group }, 'retry of another consumer group: skipped');
        return;
      }
      // Attempts carried across topics; never lowered (the core may have retried it here already).
      ctx.attempt = Math.max(ctx.attempt, state.attempt + 1);
      const waitMs = waitUntilDue(state.dueAt, Date.now());
      if (waitMs > 0) ctx.pause(waitMs); // holds this retry partition at its head, then runs it again
    }
    try {
      await next();
    } catch (error) {
      if (PauseRequest.is(error)) throw error; // ctx.pause(): not a failure
      const step = nextStep({
        stage,
        delays,
        retryable: retryable(error),
        deadLetter: dlqTopic !== undefined,
        now: Date.now(),
      });
      if (step.kind === 'rethrow') throw error;
      const origin = state ?? originOf(ctx);
      if (step.kind === 'retry') {
        const topic = name(origin.originalTopic, step.stage);
        const headers = buildRetryHeaders(
          ctx.message.headers,
          { ...origin, attempt: ctx.attempt, dueAt: step.dueAt },
          error,
        );
        await write(options, ctx, { topic, key: ctx.message.rawKey, value: ctx.message.rawValue, headers }, error);
        ctx.outcome = 'retry-scheduled';
        ctx.logger.warn(
          { err: error, retryTopic: topic, dueInMs: step.dueAt - Date.now(), payload: new LoggedPayload(ctx.message) },
          'message sent to a retry topic',
        );
        options.onRetryScheduled?.(ctx, error, topic, step.dueAt);
        return;
      }
      const topic = (dlqTopic as (t: string) => string)(origin.originalTopic);
      const headers = dlqHeaders(asOriginal(ctx, origin), error, options.maxStackLength);
      if (stage > 0) headers[DLQ_LAST_TOPIC_HEADER] = ctx.message.topic;
      await write(options, ctx, { topic, key: ctx.message.rawKey, value: ctx.message.rawValue, headers }, error);
      ctx.outcome = 'dead-lettered';
      ctx.logger.warn({ err: error, dlq: topic, payload: new LoggedPayload(ctx.message) }, 'message dead-lettered');
      options.onDeadLettered?.(ctx, error, topic);
    }
  };
  const topicsFor: MiddlewareTopics = (topic) =>
    retryTopicsOf(topic, delays, name).map((retryTopic) => ({ topic: retryTopic, ordering: 'partition' as const }));
  return Object.assign(middleware, { [MIDDLEWARE_TOPICS]: topicsFor });
}

/** A first failure: the message's own coordinates are the original ones. */
function originOf(ctx: MessageContext): Omit<RetryState, 'attempt' | 'dueAt'> {
  const m = ctx.message;
  return {
    originalTopic: m.topic,
    originalPartition: m.partition,
    originalOffset: m.offset,
    originalTimestamp: m.timestamp,
    group: ctx.groupId,
  };
}

/**
 * The context as the DLQ headers must describe it: the original topic, partition, offset and
 * timestamp (where `tributary dlq replay` sends it back), and the original headers without ours.
 */
function asOriginal(ctx: MessageContext, origin: Omit<RetryState, 'attempt' | 'dueAt'>): MessageContext {
  const m = ctx.message;
  return {
    groupId: ctx.groupId,
    handler: ctx.handler,
    attempt: ctx.attempt,
    // Built field by field: the pipeline's message is a class of getters (a spread would miss them).
    message: {
      topic: origin.originalTopic,
      partition: origin.originalPartition,
      offset: origin.originalOffset,
      timestamp: origin.originalTimestamp,
      headers: withoutRetryHeaders(m.headers),
      key: m.key,
      value: undefined, // never decoded here: the failure may be the decoding
      rawKey: m.rawKey,
      rawValue: m.rawValue,
      size: m.size,
    },
  } as MessageContext;
}

async function write(
  options: RetryTopicsOptions,
  ctx: MessageContext,
  record: ProducerRecord,
  error: unknown,
): Promise<void> {
  try {
    await options.producer.send(record);
  } catch (writeError) {
    const m = ctx.message;
    throw new RetryTopicError(
      `cannot write ${m.topic}/${m.partition}@${m.offset} to ${record.topic}: ${(writeError as Error).message}`,
      { cause: error },
    );
  }
}
