import { diagnose, type Finding, type GroupDescription, histogramQuantile, sum } from '@tributary/lag';
import { type GroupRead, GroupReader } from './group-reader.js';
import { type InstancePoll, InstanceTracker, pollInstance } from './instances.js';
import { keyLanesView } from './key-lanes.js';
import type { DashboardLogger } from './logger.js';
import { OwnerNames } from './owners.js';
import { RebalanceTimeline } from './rebalance-timeline.js';
import type {
  DashboardSnapshot,
  DeadLetterView,
  InstanceView,
  MembersView,
  PartitionView,
  SnapshotError,
} from './snapshot.js';

export interface DashboardSource {
  brokers: string;
  group: string;
  topics?: string[];
  /** `/metrics` URLs of the instances; their `/health/ready` (same base) names the owner. */
  metrics: string[];
  /** Ask the broker to describe the group (DescribeGroups: members, group.instance.id). Default true. */
  members?: boolean;
}

/** One successful sample, as the findings' window keeps it. */
interface WindowEntry {
  read: GroupRead;
  polls: InstancePoll[];
}

const WINDOW = 15;
const noLogger: DashboardLogger = { info: () => {}, warn: () => {} };

/**
 * Samples the group once per call: offsets and DLQ contents from the broker, the group's
 * description, and each instance's metrics and owned partitions. Keeps the history the page
 * charts, derives throughput, rebalance events and the `diagnose` findings. Counts only what
 * answers now: an instance that stopped is shown as gone, never as an instance that owns nothing;
 * a broker that does not answer is an error, never "lag 0". Holds nothing secret: offsets and
 * metrics only.
 */
export class DashboardCollector {
  readonly history: DashboardSnapshot[] = [];
  private readonly reader: GroupReader;
  private readonly tracker = new InstanceTracker();
  private readonly owners = new OwnerNames();
  private readonly timeline = new RebalanceTimeline();
  private window: WindowEntry[] = [];
  private lastOk?: DashboardSnapshot;
  private description?: GroupDescription;

  constructor(
    private readonly source: DashboardSource,
    private readonly keepMs = 10 * 60_000,
    private readonly logger: DashboardLogger = noLogger,
  ) {
    this.reader = new GroupReader(source);
  }

  async sample(): Promise<DashboardSnapshot> {
    const at = Date.now();
    const polls = await Promise.all(this.source.metrics.map((url) => pollInstance(url, this.source.group)));
    const instances = this.tracker.update(polls, at);
    const live = polls.filter((p) => p.up);
    // Topics the members own count even before anything is committed on them (a group that just
    // joined): from the instances, and from the last description (asked in parallel with the read).
    const owned = [...live.flatMap((p) => p.assigned), ...(this.description?.members.flatMap((m) => m.assigned) ?? [])];
    const knownTopics = [...new Set(owned.map((tp) => tp.slice(0, tp.lastIndexOf('/'))))];
    const [read, description] = await Promise.all([
      this.reader.read(knownTopics).catch((err: unknown) => err as Error),
      this.reader.describe(),
    ]);
    this.description = description;
    const keys = keyLanesView(
      live.map((p) => ({ instance: p.instance ?? new URL(p.url).host, samples: p.samples })),
      this.source.group,
    );
    const base = {
      at,
      group: this.source.group,
      instances,
      ...(description ? { members: membersView(description) } : {}),
      ...latency(live),
      ...(keys ? { keys } : {}),
    };
    const snapshot =
      read instanceof Error
        ? this.failed(base, this.reader.explain(read, at), live)
        : this.succeeded(base, read, polls, instances, description);
    this.remember(snapshot);
    return snapshot;
  }

  close(): Promise<void> {
    return this.reader.close();
  }

  private succeeded(
    base: Pick<DashboardSnapshot, 'at' | 'group' | 'instances' | 'members' | 'keys'>,
    read: GroupRead,
    polls: InstancePoll[],
    instances: InstanceView[],
    description: GroupDescription | undefined,
  ): DashboardSnapshot {
    const before = this.history.at(-1)?.error;
    if (before)
      this.logger.info(
        { group: base.group, brokers: this.source.brokers, after: before.kind },
        before.kind === 'unknown-group' ? 'the group is there now' : 'the brokers answer again',
      );
    const owners = this.owners.resolve(polls, instances, description);
    const held = new Set(polls.flatMap((p) => (p.up ? p.held : [])));
    const partitions: PartitionView[] = read.lag.rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      currentOffset: r.currentOffset,
      logEndOffset: r.logEndOffset,
      lag: r.lag,
      ...(owners.get(`${r.topic}/${r.partition}`) ?? { owner: '-', ownerSource: 'none' as const }),
      ...(held.has(`${r.topic}/${r.partition}`) ? { held: true as const } : {}),
    }));
    this.timeline.observe(base.at, partitions);
    this.window = [...this.window, { read, polls }].slice(-WINDOW);
    const live = polls.filter((p) => p.up);
    const snapshot: DashboardSnapshot = {
      ...base,
      partitions,
      totalLag: read.lag.totalLag,
      ...throughput(this.lastOk, base.at, partitions),
      deadLettered: deadLetterView(read, live),
      rebalances: this.timeline.all,
      findings: this.findings(description, partitions),
      findingsStatus: this.window.length >= 3 ? 'ready' : 'collecting',
    };
    this.lastOk = snapshot;
    return snapshot;
  }

  /** No offsets: everything that comes from the broker is unknown, the instances are still shown. */
  private failed(
    base: Pick<DashboardSnapshot, 'at' | 'group' | 'instances' | 'members' | 'keys'>,
    error: SnapshotError,
    live: InstancePoll[],
  ): DashboardSnapshot {
    const before = this.history.at(-1)?.error;
    const same = before?.kind === error.kind && before.message === error.message;
    const fields = { group: base.group, brokers: error.brokers, kind: error.kind };
    // A group that is not there yet is a state to show, not a fault.
    if (same) {
      // logged when it started
    } else if (error.kind === 'unknown-group') this.logger.info(fields, error.message);
    else this.logger.warn(fields, error.message);
    // The findings' window must not bridge an outage (a slope across it means nothing).
    if (error.kind === 'unreachable' || error.kind === 'broker') this.window = [];
    return {
      ...base,
      partitions: [],
      totalLag: null,
      throughputIn: null,
      throughputOut: null,
      deadLettered: { inTopics: null, topics: [], ...metricsDeadLetters(live) },
      rebalances: this.timeline.all,
      findings: [],
      findingsStatus: 'unavailable',
      // Since the first of consecutive failed reads, whatever each one said.
      error: before ? { ...error, since: before.since } : error,
    };
  }

  private findings(description: GroupDescription | undefined, partitions: PartitionView[]): Finding[] {
    if (this.window.length < 3) return [];
    const first = this.window[0] as WindowEntry;
    const last = this.window.at(-1) as WindowEntry;
    // Only instances that answer now; one that came up during the window counts from zero.
    const metrics = last.polls.flatMap((poll, i) =>
      poll.up
        ? [{ first: first.polls[i]?.up ? (first.polls[i] as InstancePoll).samples : [], last: poll.samples }]
        : [],
    );
    const dlqTopics = last.read.deadLetters.topics.map((t) => t.topic);
    return diagnose({
      snapshots: this.window.map((w) => w.read.lag),
      metrics,
      group: description,
      waiting: partitions.filter((p) => p.ownerSource === 'stopped').map((p) => `${p.topic}/${p.partition}`),
      held: partitions.filter((p) => p.held).map((p) => `${p.topic}/${p.partition}`),
      deadLetters:
        dlqTopics.length > 0
          ? { first: first.read.deadLetters.total, last: last.read.deadLetters.total, topics: dlqTopics }
          : undefined,
    }).filter((f) => f.id !== 'healthy');
  }

  private remember(snapshot: DashboardSnapshot): void {
    this.history.push(snapshot);
    while (this.history.length > 0 && (this.history[0] as DashboardSnapshot).at < snapshot.at - this.keepMs)
      this.history.shift();
  }
}

function membersView(group: GroupDescription): MembersView {
  return {
    state: group.state,
    protocol: group.protocol,
    members: group.members.length,
    static: group.members.filter((m) => m.groupInstanceId).length,
  };
}

function latency(live: InstancePoll[]): Pick<DashboardSnapshot, 'handlerP50Ms' | 'handlerP99Ms'> {
  const all = live.flatMap((p) => p.samples);
  const p50 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.5);
  const p99 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.99);
  return {
    ...(p50 === undefined ? {} : { handlerP50Ms: p50 * 1000 }),
    ...(p99 === undefined ? {} : { handlerP99Ms: p99 * 1000 }),
  };
}

function metricsDeadLetters(live: InstancePoll[]): Pick<DeadLetterView, 'fromMetrics' | 'metricsInstances'> {
  return {
    fromMetrics: live.reduce((n, p) => n + sum(p.samples, 'tributary_messages_dead_lettered_total'), 0),
    metricsInstances: live.length,
  };
}

function deadLetterView(read: GroupRead, live: InstancePoll[]): DeadLetterView {
  return { inTopics: read.deadLetters.total, topics: read.deadLetters.topics, ...metricsDeadLetters(live) };
}

/** Messages per second into the group's topics and committed by it, since the last good sample. */
function throughput(
  previous: DashboardSnapshot | undefined,
  at: number,
  partitions: PartitionView[],
): Pick<DashboardSnapshot, 'throughputIn' | 'throughputOut'> {
  const seconds = previous ? (at - previous.at) / 1000 : 0;
  if (!previous || seconds <= 0) return { throughputIn: 0, throughputOut: 0 };
  const total = (ps: PartitionView[], f: (p: PartitionView) => number) => ps.reduce((n, p) => n + f(p), 0);
  const rate = (f: (p: PartitionView) => number) =>
    Math.max(0, (total(partitions, f) - total(previous.partitions, f)) / seconds);
  return { throughputIn: rate((p) => p.logEndOffset), throughputOut: rate((p) => p.currentOffset ?? 0) };
}
