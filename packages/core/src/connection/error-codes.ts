import type { CODES as BindingCodes } from '@confluentinc/kafka-javascript/types/errors.js';

// The binding exports CODES at runtime; its type declarations only list it on the RdKafka type.
const { CODES } = require('@confluentinc/kafka-javascript') as { CODES: typeof BindingCodes };

/** librdkafka and Kafka error codes Tributary acts on, by name (the binding's CODES.ERRORS). */
export const ErrorCode = {
  ASSIGN_PARTITIONS: CODES.ERRORS.ERR__ASSIGN_PARTITIONS,
  REVOKE_PARTITIONS: CODES.ERRORS.ERR__REVOKE_PARTITIONS,
  REBALANCE_IN_PROGRESS: CODES.ERRORS.ERR_REBALANCE_IN_PROGRESS,
  ILLEGAL_GENERATION: CODES.ERRORS.ERR_ILLEGAL_GENERATION,
  UNKNOWN_MEMBER_ID: CODES.ERRORS.ERR_UNKNOWN_MEMBER_ID,
  FENCED_INSTANCE_ID: CODES.ERRORS.ERR_FENCED_INSTANCE_ID,
  STALE_MEMBER_EPOCH: CODES.ERRORS.ERR_STALE_MEMBER_EPOCH,
  NOT_COORDINATOR: CODES.ERRORS.ERR_NOT_COORDINATOR,
  COORDINATOR_NOT_AVAILABLE: CODES.ERRORS.ERR_COORDINATOR_NOT_AVAILABLE,
  COORDINATOR_LOAD_IN_PROGRESS: CODES.ERRORS.ERR_COORDINATOR_LOAD_IN_PROGRESS,
  REQUEST_TIMED_OUT: CODES.ERRORS.ERR_REQUEST_TIMED_OUT,
  TIMED_OUT: CODES.ERRORS.ERR__TIMED_OUT,
  TRANSPORT: CODES.ERRORS.ERR__TRANSPORT,
  WAIT_COORD: CODES.ERRORS.ERR__WAIT_COORD,
  ALL_BROKERS_DOWN: CODES.ERRORS.ERR__ALL_BROKERS_DOWN,
  IN_PROGRESS: CODES.ERRORS.ERR__IN_PROGRESS,
  DESTROY: CODES.ERRORS.ERR__DESTROY,
} as const;

/**
 * Why a commit did not land:
 * - `generation-gone`: the member's generation (or member id) is no longer the group's — the
 *   partitions may already be someone else's, so the offsets must not be retried in a later
 *   generation: their messages are redelivered (at-least-once);
 * - `rebalance-in-progress`: the group is completing a round (between the JoinGroup responses and
 *   the assignment); the same member may retry once the round is done;
 * - `coordinator`: the coordinator is unknown, moving or unreachable; retry;
 * - `timeout`: no answer within the caller's deadline;
 * - `other`: anything else (authorization, closing client, …).
 */
export type CommitFailureReason = 'generation-gone' | 'rebalance-in-progress' | 'coordinator' | 'timeout' | 'other';

const GENERATION_GONE = new Set<number>([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.STALE_MEMBER_EPOCH,
]);
const COORDINATOR = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.TRANSPORT,
  ErrorCode.WAIT_COORD,
  ErrorCode.ALL_BROKERS_DOWN,
]);

export function commitFailureReason(code: number | undefined): CommitFailureReason {
  if (code === undefined) return 'other';
  if (GENERATION_GONE.has(code)) return 'generation-gone';
  if (code === ErrorCode.REBALANCE_IN_PROGRESS) return 'rebalance-in-progress';
  if (COORDINATOR.has(code)) return 'coordinator';
  if (code === ErrorCode.TIMED_OUT) return 'timeout';
  return 'other';
}

/**
 * ILLEGAL_GENERATION: the coordinator still knows the member, but a round completed since the
 * generation the commit carried. A member that joined that round (its client now carries the new
 * generation) and never gave the partitions up still owns them: under cooperative-sticky a
 * partition the member owned when it rejoined is not given to anyone else in that generation.
 * (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID: the member itself is gone.)
 */
export const isStaleGeneration = (code: number | undefined): boolean => code === ErrorCode.ILLEGAL_GENERATION;

/** Whether the same member may send the same offsets again (it still owns the partitions). */
export const isRetryable = (reason: CommitFailureReason): boolean =>
  reason === 'rebalance-in-progress' || reason === 'coordinator' || reason === 'timeout';
