import type { Headers } from '@tributary/core';

/**
 * Header names on a message in a retry topic (its original headers are kept beside them). They
 * are removed again before the message goes to the DLQ, so a `tributary dlq replay` puts a clean
 * message back on the original topic.
 */
export const RetryHeader = {
  /** Attempts made so far (the one that failed included): the next run is attempt + 1. */
  attempt: 'x-tributary-retry-attempt',
  /** When the message may run again, ms since epoch (the failing member's clock). */
  dueAt: 'x-tributary-retry-due-at',
  originalTopic: 'x-tributary-retry-original-topic',
  originalPartition: 'x-tributary-retry-original-partition',
  originalOffset: 'x-tributary-retry-original-offset',
  originalTimestamp: 'x-tributary-retry-original-timestamp',
  /** The consumer group that scheduled it: another group reading the same retry topic skips it. */
  group: 'x-tributary-retry-group',
  errorClass: 'x-tributary-retry-error-class',
  errorMessage: 'x-tributary-retry-error-message',
} as const;

const RETRY_PREFIX = 'x-tributary-retry-';
/** A retry header carries a short error text, not a stack: it travels with every fetch of the message. */
const MAX_ERROR_MESSAGE = 500;

/** Where a retried message came from and how far it got. */
export interface RetryState {
  attempt: number;
  dueAt: number;
  originalTopic: string;
  originalPartition: number;
  originalOffset: number;
  originalTimestamp: number;
  group: string;
}

/** The user's error under the core's `HandlerError` wrapping, if any. */
export function rootCause(error: unknown): Error {
  let current = error;
  while (current instanceof Error && current.name === 'HandlerError' && current.cause) current = current.cause;
  return current instanceof Error ? current : new Error(String(current));
}

/** The headers of `headers` that are not ours (what the producer of the original message set). */
export function withoutRetryHeaders(headers: Headers): Record<string, Buffer> {
  const kept: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(RETRY_PREFIX)) kept[name] = value;
  return kept;
}

/** Headers of the copy produced to a retry topic: the original ones, then the retry state and the error. */
export function buildRetryHeaders(
  original: Headers,
  state: RetryState,
  error: unknown,
): Record<string, string | Buffer> {
  const err = rootCause(error);
  return {
    ...withoutRetryHeaders(original),
    [RetryHeader.attempt]: String(state.attempt),
    [RetryHeader.dueAt]: String(state.dueAt),
    [RetryHeader.originalTopic]: state.originalTopic,
    [RetryHeader.originalPartition]: String(state.originalPartition),
    [RetryHeader.originalOffset]: String(state.originalOffset),
    [RetryHeader.originalTimestamp]: String(state.originalTimestamp),
    [RetryHeader.group]: state.group,
    [RetryHeader.errorClass]: err.name || err.constructor?.name || 'Error',
    [RetryHeader.errorMessage]: err.message.slice(0, MAX_ERROR_MESSAGE),
  };
}

const WHOLE = /^\d+$/;

/**
 * The retry state a message's headers carry, or undefined when any part is missing or malformed
 * (then the message is treated as a first delivery: nothing half-read steers it).
 */
export function parseRetryHeaders(headers: Headers): RetryState | undefined {
  const text = (name: string) => headers[name]?.toString('utf8');
  const whole = (name: string) => {
    const value = text(name);
    return value !== undefined && WHOLE.test(value) ? Number(value) : undefined;
  };
  const attempt = whole(RetryHeader.attempt);
  const dueAt = whole(RetryHeader.dueAt);
  const originalTopic = text(RetryHeader.originalTopic);
  const originalPartition = whole(RetryHeader.originalPartition);
  const originalOffset = whole(RetryHeader.originalOffset);
  const originalTimestamp = whole(RetryHeader.originalTimestamp);
  const group = text(RetryHeader.group);
  if (
    attempt === undefined ||
    attempt < 1 ||
    dueAt === undefined ||
    !originalTopic ||
    originalPartition === undefined ||
    originalOffset === undefined ||
    originalTimestamp === undefined ||
    group === undefined
  )
    return undefined;
  return { attempt, dueAt, originalTopic, originalPartition, originalOffset, originalTimestamp, group };
}
