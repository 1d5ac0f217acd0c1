import type { DeadLetterTopic, Finding } from '@tributary/lag';
import type { KeyLanesView } from './key-lanes.js';

export interface PartitionView {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  owner: string;
  /**
   * Where the owner comes from: `instance` — an instance that answers reports it; `stopped` — the
   * coordinator still lists it for a member whose instance stopped answering (a static member's
   * partitions wait out its session); `member` — the coordinator only (no metrics URL for it).
   */
  ownerSource: 'instance' | 'stopped' | 'member' | 'none';
  /** Its owner holds it paused by `app.pause()` (a dashboard action or the app's own code). */
  held?: true;
}

export interface RebalanceEvent {
  at: number;
  /** `topic/partition` moved from an owner to another (`-` = nobody). */
  moves: Array<{ partition: string; from: string; to: string }>;
  /** Longest time a moved partition made no progress around the move. */
  pauseMs: number;
}

export interface InstanceView {
  /** The `/metrics` URL given to the dashboard. */
  url: string;
  /** The name its /health/ready gives, else the URL's host. */
  instance: string;
  /** `up`: answers now; `gone`: answered before, not any more (stopped or unreachable); `unseen`: never answered. */
  state: 'up' | 'gone' | 'unseen';
  /** up: answering since; gone: not answering since (its first unanswered poll); unseen: polled since. */
  since: number;
  /** gone: its last answer. */
  lastSeenAt?: number;
  /** Why the last poll failed (connection refused, timeout, HTTP status). */
  lastError?: string;
  /** Partitions it reports owning (0 unless up). */
  partitions: number;
  ready?: boolean;
  reason?: string;
}

export interface DeadLetterView {
  /** What the DLQ topics hold now: Σ end − start over their partitions. Null while the brokers cannot be read. */
  inTopics: number | null;
  topics: DeadLetterTopic[];
  /** `tributary_messages_dead_lettered_total` summed over the instances that answer now. */
  fromMetrics: number;
  /** How many instances that sum covers. */
  metricsInstances: number;
}

/** The group as its coordinator describes it (DescribeGroups), summed up. */
export interface MembersView {
  state: string;
  protocol: string;
  members: number;
  /** Members with a group.instance.id. */
  static: number;
}

/** Why the snapshot has no offsets: the brokers did not answer, or they know no such group or topic. */
export interface SnapshotError {
  kind: 'unreachable' | 'broker' | 'unknown-group' | 'unknown-topic';
  brokers: string;
  message: string;
  /** The first of the consecutive samples that could not read the brokers. */
  since: number;
}

export interface DashboardSnapshot {
  at: number;
  group: string;
  partitions: PartitionView[];
  /** Null when the brokers could not be read: unknown, not 0. */
  totalLag: number | null;
  throughputIn: number | null;
  throughputOut: number | null;
  handlerP50Ms?: number;
  handlerP99Ms?: number;
  deadLettered: DeadLetterView;
  instances: InstanceView[];
  /** Undefined when the broker did not describe the group. */
  members?: MembersView;
  rebalances: RebalanceEvent[];
  /** Key ordering's lanes from the instances' metrics; undefined when no instance reports any. */
  keys?: KeyLanesView;
  /** With --allow-actions: what this dashboard paused (`topic` or `topic/partition`), until resumed. */
  paused?: string[];
  findings: Finding[];
  /** `collecting`: fewer than 3 good samples yet; `unavailable`: the brokers cannot be read — no finding is not "no problem". */
  findingsStatus: 'collecting' | 'ready' | 'unavailable';
  error?: SnapshotError;
}
