import type { CommitFailureReason } from './connection/error-codes.js';
import type { MessageOutcome } from './message.js';
import type { CommitOffset, TopicPartition } from './model/topic-partition.js';

/** Which commit: the steady-state one, or one awaited before partitions are released. */
export type CommitKind = 'periodic' | 'revoke' | 'shutdown' | 'seek';

/**
 * Instrumentation events (as KafkaJS does it): metrics, logging and dashboards attach here and
 * never edit the loop. Every payload carries the group id, except the app's own `stopping`.
 */
export interface TributaryEvents {
  'partitions.assigned': [{ groupId: string; partitions: TopicPartition[] }];
  /**
   * After the flush: in-flight work done, offsets committed, hooks run. `durationMs` covers all of
   * it; `uncommitted` lists what the coordinator did not take in time (redelivered to the next owner).
   */
  'partitions.revoked': [
    {
      groupId: string;
      partitions: TopicPartition[];
      durationMs: number;
      timedOut: boolean;
      uncommitted: CommitOffset[];
    },
  ];
  'partitions.lost': [{ groupId: string; partitions: TopicPartition[] }];
  'message.processed': [
    {
      groupId: string;
      handler: string;
      topic: string;
      partition: number;
      offset: number;
      durationMs: number;
      outcome: MessageOutcome;
      attempts: number;
    },
  ];
  'message.failed': [
    {
      groupId: string;
      handler: string;
      topic: string;
      partition: number;
      offset: number;
      attempt: number;
      error: Error;
    },
  ];
  'messages.received': [{ groupId: string; count: number }];
  'messages.discarded': [
    { groupId: string; topic: string; partition: number; count: number; reason: 'revoked' | 'stopping' },
  ];
  'offsets.committed': [{ groupId: string; offsets: CommitOffset[]; durationMs: number; kind: CommitKind }];
  /** `final`: not retried (the offsets stay uncommitted); otherwise the commit is tried again. */
  'offsets.commit-failed': [
    {
      groupId: string;
      offsets: CommitOffset[];
      error: Error;
      reason: CommitFailureReason;
      kind: CommitKind;
      final: boolean;
    },
  ];
  /** librdkafka reset a partition's position (offset out of range, e.g. data deleted by retention). */
  'offsets.reset': [{ groupId: string; topic: string; partition: number; detail: string }];
  'partition.paused': [{ groupId: string; topic: string; partition: number }];
  /**
   * The runtime control API (`app.pause/resume/seek`). `partitions`: the owned ones it applied to
   * now; a topic-wide pause also holds partitions of that topic assigned later.
   */
  'control.paused': [{ groupId: string; topic: string; partition?: number; partitions: TopicPartition[] }];
  'control.resumed': [{ groupId: string; topic: string; partition?: number; partitions: TopicPartition[] }];
  /**
   * A seek moved a partition's position and committed it: `from` was the committed offset before
   * (undefined: none yet), `rewound` when the commit went backwards (messages are handled again).
   */
  'control.seeked': [
    { groupId: string; topic: string; partition: number; from?: number; to: number; rewound: boolean },
  ];
  /** A handler called `ctx.pause(ms)`: its message runs again after `ms`, its lane waits meanwhile. */
  'message.paused': [{ groupId: string; topic: string; partition: number; offset: number; ms: number }];
  'partition.resumed': [{ groupId: string; topic: string; partition: number }];
  /** librdkafka statistics (statistics.interval.ms), parsed. */
  stats: [{ groupId: string; stats: Record<string, unknown> }];
  'group.error': [{ groupId: string; error: Error }];
  'group.started': [{ groupId: string }];
  /** `uncommitted`: what the final commit could not land (redelivered to the next owner). */
  'group.stopped': [{ groupId: string; uncommitted: CommitOffset[] }];
  /**
   * The app is shutting down: every group has stopped, the `onShutdown` hooks run next, then the
   * container is disposed (and, after a signal, the process exits). Listeners run synchronously;
   * async work belongs in `onShutdown`, which is awaited. `signal`: the signal that stopped it.
   */
  stopping: [{ signal?: NodeJS.Signals }];
}
