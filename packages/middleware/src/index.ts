export { DeadLetterError, type DeadLetterOptions, deadLetter } from './dead-letter/dead-letter.js';
export { DlqHeader, dlqHeaders } from './dead-letter/dlq-headers.js';
export { type DefaultStackOptions, defaultMiddleware } from './default-stack.js';
export { IdempotencyBusyError, type IdempotencyOptions, idempotent } from './idempotency/idempotent.js';
export { MemoryIdempotencyStore } from './idempotency/memory-store.js';
export { RedisIdempotencyStore } from './idempotency/redis-store.js';
export type { ClaimResult, IdempotencyStore } from './idempotency/store.js';
export { type LoggingOptions, logging } from './logging.js';
export { registerProducer } from './producer/register.js';
export {
  ProduceError,
  type ProducerRecord,
  TributaryProducer,
  type TributaryProducerConfig,
} from './producer/tributary-producer.js';
export { type BackoffOptions, backoffDelay } from './retry/backoff.js';
export {
  defaultRetryable,
  RETRY_BACKOFF_MS,
  RETRY_EXHAUSTED,
  type RetryOptions,
  retry,
  retryBackoffMs,
} from './retry/retry.js';
export { parseRetryHeaders, RetryHeader, type RetryState } from './retry-topics/retry-headers.js';
export { defaultRetryTopicName, type RetryTopicName } from './retry-topics/retry-schedule.js';
export {
  DLQ_LAST_TOPIC_HEADER,
  RetryTopicError,
  type RetryTopicsMiddleware,
  type RetryTopicsOptions,
  retryTopics,
} from './retry-topics/retry-topics.js';
export { type TracingOptions, tracing } from './tracing.js';
