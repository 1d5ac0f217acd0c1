import {
  diagnose,
  type Finding,
  histogramQuantile,
  type LagSnapshot,
  readLag,
  type Sample,
  scrape,
  sum,
} from '@tributary/lag';

export interface DashboardSource {
  brokers: string;
  group: string;
  topics?: string[];
  /** `/metrics` URLs of the instances; their `/health/ready` (same base) names the owner. */
  metrics: string[];
  /** Include DescribeGroups member columns (real Kafka). Default false. */
  members?: boolean;
}

export interface PartitionView {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  owner: string;
}

export interface RebalanceEvent {
  at: number;
  /** `topic/partition` moved from an owner to another (`-` = nobody). */
  moves: Array<{ partition: string; from: string; to: string }>;
  /** Longest time a moved partition made no progress around the move. */
  pauseMs: number;
}

export interface DashboardSnapshot {
  at: number;
  group: string;
  partitions: PartitionView[];
  totalLag: number;
  throughputIn: number;
  throughputOut: number;
  handlerP50Ms?: number;
  handlerP99Ms?: number;
  deadLettered: number;
  instances: Array<{ instance: string; url: string; up: boolean; partitions: number }>;
  rebalances: RebalanceEvent[];
  findings: Finding[];
  error?: string;
}

interface InstanceRead {
  url: string;
  instance: string;
  up: boolean;
  samples: Sample[];
  assigned: string[];
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

async function readInstance(url: string): Promise<InstanceRead> {
  const base = url.replace(/\/metrics\/?$/, '');
  try {
    const [samples, ready] = await Promise.all([
      scrape(url, 800),
      fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(800) }).then(
        (r) => r.json() as Promise<{ instance?: string; groups?: Array<{ assigned: string[] }> }>,
      ),
    ]);
    return {
      url,
      instance: ready.instance ?? new URL(url).host,
      up: true,
      samples,
      assigned: ready.groups?.flatMap((g) => g.assigned) ?? [],
    };
  } catch {
    return { url, instance: new URL(url).host, up: false, samples: [], assigned: [] };
  }
}

/**
 * Samples the group once per call: offsets from the broker, and each instance's metrics and
 * owned partitions. Keeps the history the page charts, derives throughput, rebalance events (owner
 * changes, with the pause they caused) and the `diagnose` findings. Holds nothing secret: offsets
 * and metrics only.
 */
export class DashboardCollector {
  readonly history: DashboardSnapshot[] = [];
  private lags: LagSnapshot[] = [];
  private metricsWindow: InstanceRead[][] = [];
  private readonly rebalances: RebalanceEvent[] = [];
  private lastOwners = new Map<string, string>();
  /** When each partition last made progress (its committed offset moved). */
  private readonly lastProgress = new Map<string, { at: number; offset: number | null }>();

  constructor(
    private readonly source: DashboardSource,
    private readonly keepMs = 10 * 60_000,
  ) {}

  async sample(): Promise<DashboardSnapshot> {
    const at = Date.now();
    const [lag, instances] = await Promise.all([
      readLag({
        brokers: this.source.brokers,
        group: this.source.group,
        topics: this.source.topics,
        members: this.source.members ?? false,
      }).catch((err: Error) => err),
      Promise.all(this.source.metrics.map(readInstance)),
    ]);
    const previous = this.history.at(-1);
    if (lag instanceof Error) {
      const snapshot: DashboardSnapshot = { ...(previous ?? emptySnapshot(this.source.group)), at, error: lag.message };
      this.remember(snapshot);
      return snapshot;
    }
    const owners = new Map<string, string>();
    for (const instance of instances) for (const p of instance.assigned) owners.set(p, instance.instance);
    const partitions: PartitionView[] = lag.rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      currentOffset: r.currentOffset,
      logEndOffset: r.logEndOffset,
      lag: r.lag,
      owner: owners.get(key(r.topic, r.partition)) ?? r.member?.consumerId ?? '-',
    }));
    this.trackRebalances(at, partitions);
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    const sumOf = (ps: PartitionView[], f: (p: PartitionView) => number) => ps.reduce((n, p) => n + f(p), 0);
    const all = instances.flatMap((i) => i.samples);
    const p50 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.5);
    const p99 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.99);
    this.lags = [...this.lags, lag].slice(-15);
    this.metricsWindow = [...this.metricsWindow, instances].slice(-15);
    const snapshot: DashboardSnapshot = {
      at,
      group: this.source.group,
      partitions,
      totalLag: lag.totalLag,
      throughputIn:
        previous && seconds > 0
          ? Math.max(
              0,
              (sumOf(partitions, (p) => p.logEndOffset) - sumOf(previous.partitions, (p) => p.logEndOffset)) / seconds,
            )
          : 0,
      throughputOut:
        previous && seconds > 0
          ? Math.max(
              0,
              (sumOf(partitions, (p) => p.currentOffset ?? 0) -
                sumOf(previous.partitions, (p) => p.currentOffset ?? 0)) /
                seconds,
            )
          : 0,
      handlerP50Ms: p50 === undefined ? undefined : p50 * 1000,
      handlerP99Ms: p99 === undefined ? undefined : p99 * 1000,
      deadLettered: sum(all, 'tributary_messages_dead_lettered_total'),
      instances: instances.map((i) => ({ instance: i.instance, url: i.url, up: i.up, partitions: i.assigned.length })),
      rebalances: [...this.rebalances],
      findings: this.findings(),
    };
    this.remember(snapshot);
    return snapshot;
  }

  private findings(): Finding[] {
    if (this.lags.length < 3) return [];
    const first = this.metricsWindow[0] ?? [];
    const last = this.metricsWindow.at(-1) ?? [];
    return diagnose({
      snapshots: this.lags,
      metrics: last.map((instance, i) => ({ first: first[i]?.samples ?? [], last: instance.samples })),
    }).filter((f) => f.id !== 'healthy');
  }

  private trackRebalances(at: number, partitions: PartitionView[]): void {
    const moves: RebalanceEvent['moves'] = [];
    let pauseMs = 0;
    for (const p of partitions) {
      const id = key(p.topic, p.partition);
      const progress = this.lastProgress.get(id);
      if (!progress || progress.offset !== p.currentOffset) this.lastProgress.set(id, { at, offset: p.currentOffset });
      const before = this.lastOwners.get(id);
      if (before !== undefined && before !== p.owner) {
        moves.push({ partition: id, from: before, to: p.owner });
        // How long the partition had been standing still when it changed hands (with lag waiting).
        if (progress && (p.lag ?? 0) > 0) pauseMs = Math.max(pauseMs, at - progress.at);
      }
      this.lastOwners.set(id, p.owner);
    }
    if (moves.length > 0) this.recordMoves(at, moves, pauseMs);
    while (this.rebalances.length > 50) this.rebalances.shift();
  }

  /**
   * One rebalance shows as one event: moves within `mergeWithinMs` of the last event join it, and a
   * partition that went a → nobody → b reads as a → b (cooperative rebalancing revokes first, assigns
   * in a second round).
   */
  private recordMoves(at: number, moves: RebalanceEvent['moves'], pauseMs: number, mergeWithinMs = 10_000): void {
    const last = this.rebalances.at(-1);
    if (!last || at - last.at > mergeWithinMs) {
      this.rebalances.push({ at, moves, pauseMs });
      return;
    }
    for (const move of moves) {
      const earlier = last.moves.find((m) => m.partition === move.partition);
      if (earlier) earlier.to = move.to;
      else last.moves.push(move);
    }
    last.moves = last.moves.filter((m) => m.from !== m.to);
    last.pauseMs = Math.max(last.pauseMs, pauseMs, at - last.at);
    last.at = at;
  }

  private remember(snapshot: DashboardSnapshot): void {
    this.history.push(snapshot);
    while (this.history.length > 0 && (this.history[0] as DashboardSnapshot).at < snapshot.at - this.keepMs)
      this.history.shift();
  }
}

function emptySnapshot(group: string): DashboardSnapshot {
  return {
    at: Date.now(),
    group,
    partitions: [],
    totalLag: 0,
    throughputIn: 0,
    throughputOut: 0,
    deadLettered: 0,
    instances: [],
    rebalances: [],
    findings: [],
  };
}
