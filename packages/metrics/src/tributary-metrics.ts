import type { TributaryApp, TributaryEvents } from '@tributary/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BatchedCounter } from './batched-counter.js';
import { BatchedHistogram } from './batched-histogram.js';
import { KEY_LANES_LISTED, KeyLaneMetrics } from './key-lane-metrics.js';

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** librdkafka statistics, the part we read (statistics.interval.ms). */
interface RdkafkaStats {
  topics?: Record<
    string,
    { partitions?: Record<string, { consumer_lag?: number; committed_offset?: number; hi_offset?: number }> }
  >;
}

/**
 * Prometheus metrics for a TributaryApp, all prefixed `tributary_`. They are fed by the app's
 * instrumentation events and its stats — the consumer loop knows nothing about them.
 * Lag per partition comes from librdkafka's statistics: create the app with `statsIntervalMs`.
 */
export class TributaryMetrics {
  readonly registry: Registry;
  readonly consumed: Counter<'group'>;
  readonly processed: Counter<'group' | 'topic' | 'partition' | 'outcome'>;
  readonly failed: Counter<'group' | 'topic' | 'partition'>;
  readonly retried: Counter<'group' | 'topic' | 'partition'>;
  readonly deadLettered: Counter<'group' | 'topic' | 'partition'>;
  readonly handlerDuration: Histogram<'group' | 'handler'>;
  readonly inFlight: Gauge<'group'>;
  readonly buffered: Gauge<'group'>;
  readonly paused: Gauge<'group'>;
  readonly assigned: Gauge<'group' | 'topic' | 'partition'>;
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly commits: Counter<'group' | 'kind'>;
  readonly commitFailures: Counter<'group' | 'kind' | 'reason'>;
  readonly commitDuration: Histogram<'group' | 'kind'>;
  readonly rebalances: Counter<'group' | 'type'>;
  readonly rebalanceDuration: Histogram<'group'>;
  readonly offsetResets: Counter<'group' | 'topic' | 'partition'>;
  readonly controlActions: Counter<'group' | 'action'>;
  readonly handlerPauses: Counter<'group' | 'topic' | 'partition'>;
  readonly held: Gauge<'group'>;
  readonly keyLanes: KeyLaneMetrics;

  constructor(registry = new Registry()) {
    this.registry = registry;
    const r = [registry];
    const coords = ['group', 'topic', 'partition'] as const;
    this.consumed = new Counter({
      name: 'tributary_messages_consumed_total',
      help: 'Messages fetched from Kafka',
      labelNames: ['group'],
      registers: r,
    });
    this.processed = new Counter({
      name: 'tributary_messages_processed_total',
      help: 'Messages that reached a final outcome (done, dead-lettered, skipped, retry-scheduled)',
      labelNames: [...coords, 'outcome'],
      registers: r,
    });
    this.failed = new Counter({
      name: 'tributary_messages_failed_total',
      help: 'Handler failures that reached the core (each is retried)',
      labelNames: coords,
      registers: r,
    });
    this.retried = new Counter({
      name: 'tributary_messages_retried_total',
      help: 'Extra attempts made by retry middleware',
      labelNames: coords,
      registers: r,
    });
    this.deadLettered = new Counter({
      name: 'tributary_messages_dead_lettered_total',
      help: 'Messages written to a dead-letter topic',
      labelNames: coords,
      registers: r,
    });
    this.handlerDuration = new Histogram({
      name: 'tributary_handler_duration_seconds',
      help: 'Time from handler start to final outcome, middleware and retries included',
      labelNames: ['group', 'handler'],
      buckets: SECONDS,
      registers: r,
    });
    this.inFlight = new Gauge({
      name: 'tributary_messages_in_flight',
      help: 'Handlers running now',
      labelNames: ['group'],
      registers: r,
    });
    this.buffered = new Gauge({
      name: 'tributary_messages_buffered',
      help: 'Messages in memory waiting for their lane',
      labelNames: ['group'],
      registers: r,
    });
    this.paused = new Gauge({
      name: 'tributary_paused_partitions',
      help: 'Partitions paused by backpressure',
      labelNames: ['group'],
      registers: r,
    });
    this.assigned = new Gauge({
      name: 'tributary_partition_assigned',
      help: '1 for each partition this instance owns',
      labelNames: coords,
      registers: r,
    });
    this.lag = new Gauge({
      name: 'tributary_consumer_lag',
      help: 'Log-end offset minus committed offset (sampled by librdkafka)',
      labelNames: coords,
      registers: r,
    });
    this.commits = new Counter({
      name: 'tributary_commits_total',
      help: 'Offset commits acknowledged (kind: periodic, revoke, shutdown)',
      labelNames: ['group', 'kind'],
      registers: r,
    });
    this.commitFailures = new Counter({
      name: 'tributary_commit_failures_total',
      help:
        'Offset commits refused or unanswered, by reason (generation-gone: redelivered to the next owner; ' +
        'rebalance-in-progress, coordinator, timeout: retried or covered by the next commit; other)',
      labelNames: ['group', 'kind', 'reason'],
      registers: r,
    });
    this.commitDuration = new Histogram({
      name: 'tributary_commit_duration_seconds',
      help: 'Offset commit latency, until the coordinator answered',
      labelNames: ['group', 'kind'],
      buckets: SECONDS,
      registers: r,
    });
    this.rebalances = new Counter({
      name: 'tributary_rebalances_total',
      help: 'Partition assignment changes seen by this instance (type: assign, revoke, lost, held)',
      labelNames: ['group', 'type'],
      registers: r,
    });
    this.rebalanceDuration = new Histogram({
      name: 'tributary_rebalance_duration_seconds',
      help: 'Revoke-time flush duration (drain, commit, hooks)',
      labelNames: ['group'],
      buckets: SECONDS,
      registers: r,
    });
    this.offsetResets = new Counter({
      name: 'tributary_offset_resets_total',
      help: 'Positions reset by the client (data skipped, e.g. retention)',
      labelNames: coords,
      registers: r,
    });
    this.controlActions = new Counter({
      name: 'tributary_control_actions_total',
      help: 'Runtime control calls that applied: app.pause, app.resume, app.seek (action = paused | resumed | seeked | rewound)',
      labelNames: ['group', 'action'],
      registers: r,
    });
    this.handlerPauses = new Counter({
      name: 'tributary_handler_pauses_total',
      help: 'ctx.pause(ms) calls: a message backed off, its lane waiting',
      labelNames: coords,
      registers: r,
    });
    this.keyLanes = new KeyLaneMetrics(registry);
    this.held = new Gauge({
      name: 'tributary_partitions_held',
      help: 'Partitions held paused by app.pause() (a subset of tributary_paused_partitions)',
      labelNames: ['group'],
      registers: r,
    });
  }

  /** Subscribes to `app`'s events and samples its stats on every scrape. Returns a detach function. */
  attach(app: Pick<TributaryApp, 'events' | 'stats'>): () => void {
    let sampledAt = -Infinity;
    const e = app.events;
    const key = (x: { groupId: string; topic: string; partition: number }) => ({
      group: x.groupId,
      topic: x.topic,
      partition: String(x.partition),
    });
    const handlers: Array<[keyof TributaryEvents, (...args: never[]) => void]> = [];
    const on = <K extends keyof TributaryEvents>(event: K, fn: (...args: TributaryEvents[K]) => void) => {
      (e.on as (event: K, fn: (...args: TributaryEvents[K]) => void) => void).call(e, event, fn);
      handlers.push([event, fn as never]);
    };
    on('messages.received', (x) => this.consumed.inc({ group: x.groupId }, x.count));
    const processed = new BatchedCounter(this.processed);
    const durations = new BatchedHistogram(this.handlerDuration);
    on('message.processed', (x) => {
      processed.add([x.groupId, x.topic, x.partition, x.outcome], processedLabels, x);
      if (x.attempts > 1) this.retried.inc(key(x), x.attempts - 1);
      if (x.outcome === 'dead-lettered') this.deadLettered.inc(key(x));
      durations.observe([x.groupId, x.handler], handlerLabels, x, x.durationMs / 1000);
    });
    on('message.failed', (x) => this.failed.inc(key(x)));
    on('offsets.committed', (x) => {
      const labels = { group: x.groupId, kind: x.kind };
      this.commits.inc(labels);
      this.commitDuration.observe(labels, x.durationMs / 1000);
    });
    on('offsets.commit-failed', (x) => this.commitFailures.inc({ group: x.groupId, kind: x.kind, reason: x.reason }));
    on('offsets.reset', (x) => this.offsetResets.inc(key(x)));
    on('partitions.assigned', (x) => {
      this.rebalances.inc({ group: x.groupId, type: 'assign' });
      for (const p of x.partitions)
        this.assigned.set({ group: x.groupId, topic: p.topic, partition: String(p.partition) }, 1);
    });
    const unassign = (x: { groupId: string; partitions: Array<{ topic: string; partition: number }> }) => {
      for (const p of x.partitions) {
        const labels = { group: x.groupId, topic: p.topic, partition: String(p.partition) };
        this.assigned.remove(labels);
        this.lag.remove(labels);
      }
    };
    on('partitions.revoked', (x) => {
      this.rebalances.inc({ group: x.groupId, type: 'revoke' });
      this.rebalanceDuration.observe({ group: x.groupId }, x.durationMs / 1000);
      unassign(x);
    });
    on('partitions.lost', (x) => {
      this.rebalances.inc({ group: x.groupId, type: 'lost' });
      unassign(x);
    });
    on('stats', (x) => this.recordLag(x.groupId, x.stats as RdkafkaStats));
    on('control.paused', (x) => this.controlActions.inc({ group: x.groupId, action: 'paused' }));
    on('control.resumed', (x) => this.controlActions.inc({ group: x.groupId, action: 'resumed' }));
    on('control.seeked', (x) =>
      this.controlActions.inc({ group: x.groupId, action: x.rewound ? 'rewound' : 'seeked' }),
    );
    on('message.paused', (x) => this.handlerPauses.inc(key(x)));
    // prom-client collects each gauge separately: walk the app (and its key lanes) once per scrape.
    const sample = () => {
      if (performance.now() - sampledAt < 100) return;
      sampledAt = performance.now();
      const stats = app.stats({ keys: KEY_LANES_LISTED });
      this.keyLanes.update(stats);
      for (const s of stats) {
        this.inFlight.set({ group: s.groupId }, s.running);
        this.buffered.set({ group: s.groupId }, s.inMemory - s.running);
        this.paused.set({ group: s.groupId }, s.paused.length);
        this.held.set({ group: s.groupId }, s.held.length);
      }
    };
    // prom-client calls `collect` on every scrape: gauges from stats are always current.
    for (const gauge of [this.inFlight, this.buffered, this.paused, this.held, ...this.keyLanes.all()])
      (gauge as unknown as { collect?: () => void }).collect = sample;
    return () => {
      for (const [event, fn] of handlers) (e.off as (event: string, fn: unknown) => void).call(e, event, fn);
    };
  }

  private recordLag(group: string, stats: RdkafkaStats): void {
    for (const [topic, t] of Object.entries(stats.topics ?? {})) {
      for (const [partition, p] of Object.entries(t.partitions ?? {})) {
        if (partition === '-1' || p.consumer_lag === undefined || p.consumer_lag < 0) continue;
        // Only partitions we own carry a meaningful lag; the others keep stale numbers.
        if (this.isAssigned(group, topic, partition)) this.lag.set({ group, topic, partition }, p.consumer_lag);
      }
    }
  }

  private isAssigned(group: string, topic: string, partition: string): boolean {
    const values = (this.assigned as unknown as { hashMap: Record<string, { labels: Record<string, string> }> })
      .hashMap;
    return Object.values(values).some(
      (v) => v.labels.group === group && v.labels.topic === topic && v.labels.partition === partition,
    );
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

type Processed = TributaryEvents['message.processed'][0];
const processedLabels = (x: Processed) => ({
  group: x.groupId,
  topic: x.topic,
  partition: String(x.partition),
  outcome: x.outcome,
});
const handlerLabels = (x: Processed) => ({ group: x.groupId, handler: x.handler });
