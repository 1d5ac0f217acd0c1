/** What ConsumerConnection emits and the binding methods it uses that the binding's types omit. */
import type { CommitOffset, TopicPartition } from '../model/topic-partition.js';
import type { OffsetReset } from './client-log.js';

export interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  partitions: TopicPartition[];
  /** Revocation because the session was lost: we may no longer commit for these. */
  lost: boolean;
}

export interface ConnectionEvents {
  rebalance: [RebalanceEvent];
  error: [Error];
  /** librdkafka reset a position after an error (e.g. offset out of range): data was skipped. */
  'offset-reset': [OffsetReset];
  /** A librdkafka log line of severity error or worse (3 and below). */
  'client-error-log': [{ fac: string; message: string }];
  stats: [Record<string, unknown>];
}

export type RdkafkaConfig = Record<string, string | number | boolean | Function>;

/** Methods the binding has but its type declarations omit. */
export interface BindingExtras {
  incrementalAssign(partitions: TopicPartition[]): void;
  incrementalUnassign(partitions: TopicPartition[]): void;
  rebalanceProtocol(): 'COOPERATIVE' | 'EAGER' | 'NONE';
  assignmentLost(): boolean;
  setDefaultIsTimeoutOnlyForFirstMessage?(value: boolean): void;
}

export type CommittedOffset = CommitOffset & { error?: { message: string; code?: number } };
