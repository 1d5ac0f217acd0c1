import type { TopicPartition } from '../model/topic-partition.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import type { KeyLaneStats } from '../pipeline/key-lanes.js';

/** Counters the pipeline keeps about itself (tests and metrics read them). */
export interface GroupStats {
  groupId: string;
  inMemory: number;
  maxInMemory: number;
  running: number;
  received: number;
  processed: number;
  failures: number;
  /** Positions librdkafka reset after an error (e.g. offset out of range): data skipped. */
  offsetResets: number;
  /** When the poll loop last asked the broker for messages (ms since epoch; 0 before the first). */
  lastPollAt: number;
  assigned: TopicPartition[];
  paused: TopicPartition[];
  /** Held paused by `app.pause()` (a subset of `paused`). */
  held: TopicPartition[];
  /** Subscribed topics the cluster does not have (yet): only ever non-empty with `missingTopics: 'wait'`. */
  missingTopics: string[];
  /**
   * Key ordering's lanes: how many, the oldest waiting heads, the ones retrying longest (a poison
   * message holding one key), the hottest keys. Only in `app.stats({ keys: n })`: it walks every lane.
   */
  keys?: KeyLaneStats;
}

interface PipelineCounters {
  inMemory: number;
  maxInMemory: number;
  received: number;
  processed: number;
  failures: number;
  lastPollAt: number;
}

/** A group's `GroupStats` from its owned partitions and the pipeline's counters. */
export function groupStats(
  groupId: string,
  owned: readonly OwnedPartition[],
  counters: PipelineCounters,
  extra: { offsetResets: number; missingTopics: string[]; keys?: KeyLaneStats },
): GroupStats {
  return {
    groupId,
    inMemory: counters.inMemory,
    maxInMemory: counters.maxInMemory,
    running: owned.reduce((n, p) => n + p.running, 0),
    received: counters.received,
    processed: counters.processed,
    failures: counters.failures,
    offsetResets: extra.offsetResets,
    lastPollAt: counters.lastPollAt,
    assigned: owned.map((p) => p.tp),
    paused: owned.filter((p) => p.paused).map((p) => p.tp),
    held: owned.filter((p) => p.holds.has('app')).map((p) => p.tp),
    missingTopics: extra.missingTopics,
    ...(extra.keys ? { keys: extra.keys } : {}),
  };
}
