import 'reflect-metadata';

export {
  HandlerHarness,
  type HandlerHarnessOptions,
  type HarnessMessage,
  type HarnessResult,
} from './app/handler-harness.js';
export type { GroupReadiness, Readiness } from './app/readiness.js';
export { type Resolvable, type Resolver, tsyringeResolver } from './app/resolver.js';
export type { ShutdownHook } from './app/shutdown.js';
export { TributaryApp, type TributaryAppConfig } from './app/tributary-app.js';
export type { GroupOptions, Ordering } from './config/schema.js';
export { TRIBUTARY_RDKAFKA_DEFAULTS } from './connection/consumer-config.js';
export type { CommitFailureReason } from './connection/error-codes.js';
export { produceWhenRoom } from './connection/produce-when-room.js';
export type { Decoder, DecoderOption, SchemaLike } from './decode.js';
export {
  Consume,
  ConsumeBatch,
  ConsumerGroup,
  consumerGroupOf,
  OnPartitionsAssigned,
  OnPartitionsLost,
  OnPartitionsRevoked,
  UseMiddleware,
} from './decorators/decorators.js';
export {
  DeserializationError,
  HandlerError,
  HandlerRegistrationError,
  KafkaConnectionError,
  MissingTopicsError,
  PauseRequest,
  TributaryConfigError,
  TributaryError,
} from './errors.js';
export type { CommitKind, TributaryEvents } from './events.js';
export type { ConsumeBatchOptions, ConsumeOptions } from './handlers/consume-options.js';
export { LoggedPayload, type LogPayloads, logSerializers } from './log-serializers.js';
export { redactConfig } from './logger.js';
export {
  type AnyContext,
  type BatchContext,
  type HandlerRunContext,
  type Headers,
  isBatch,
  type Message,
  type MessageContext,
  type MessageOutcome,
} from './message.js';
export {
  type BatchAwareMiddlewareFn,
  compose,
  handlesBatches,
  type MiddlewareClass,
  type MiddlewareFn,
  type MiddlewareLike,
  type Next,
} from './middleware/middleware.js';
export { MIDDLEWARE_TOPICS, type MiddlewareTopic, type MiddlewareTopics } from './middleware/middleware-topics.js';
export type { CommitOffset, TopicPartition } from './model/topic-partition.js';
export type { HotKey, KeyLane, KeyLaneStats } from './pipeline/key-lanes.js';
export type { GroupDescription, GroupStats } from './runtime/group-consumer.js';
export { ControlError, type PartitionSelector, type SeekRequest } from './runtime/partition-control.js';
export { relativeStack } from './stack-paths.js';
export {
  TransactionAbortedError,
  type TransactionalContext,
  type TransactionSettings,
} from './transactions/transaction-runner.js';
export { type OutputRecord, TransactionError } from './transactions/transactional-producer.js';
