import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { mergeMap, Subject, type Subscription } from 'rxjs';
import type { DependencyContainer } from 'tsyringe';
import type { GroupDefinition, HandlerDefinition } from '../app/scan.js';
import { ConsumerConnection, type RebalanceEvent } from '../connection/consumer-connection.js';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import { compose, type MiddlewareFn, resolveMiddleware } from '../middleware/middleware.js';
import { Committer } from '../offsets/committer.js';
import { type CommitOffset, OffsetTracker, partitionKey, type TopicPartition } from '../offsets/offset-tracker.js';
import type { PartitionOffsets } from '../offsets/partition-offsets.js';
import { planBackpressure } from '../pipeline/backpressure.js';
import { type ExecutorDeps, execute } from '../pipeline/executor.js';
import { laneMap } from '../pipeline/lane-map.js';
import { PipelineMessage } from '../pipeline/message-envelope.js';
import { PartitionState } from '../pipeline/partition-state.js';
import { pollSource } from '../pipeline/poll-source.js';
import { laneOf } from '../pipeline/router.js';
import { type GenerationVerdict, probeGeneration } from '../rebalance/generation-probe.js';
import { type FlushTarget, revokeFlush } from '../rebalance/revoke-flush.js';
import { consumerConfig, type ResolvedGroupOptions } from './group-options.js';

/** How often a held assignment asks the coordinator again whether the group is stable. */
const HOLD_REPROBE_MS = 200;

export interface GroupRuntimeContext {
  brokers: string;
  clientId: string;
  container: DependencyContainer;
  appMiddleware: MiddlewareFn[];
  appRdkafka: Record<string, string | number | boolean>;
  statsIntervalMs: number;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
}

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
}

/**
 * One consumer group member: a Kafka consumer, the pipeline that feeds its handlers
 * (poll → route to lanes → middleware + handler → offset tracker → committer), and its
 * rebalance handling. It owns the accounting invariant `inMemory ≤ maxInFlight`.
 */
export class GroupConsumer {
  readonly groupId: string;
  private readonly connection: ConsumerConnection;
  private readonly tracker = new OffsetTracker();
  private readonly committer: Committer;
  private readonly states = new Map<string, PartitionState>();
  private readonly purge$ = new Subject<void>();
  private readonly chains = new Map<string, (ctx: MessageContext) => Promise<void>>();
  private readonly logger: Logger;
  private subscription?: Subscription;
  private rebalanceQueue: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Partitions we owned after our last assignment: the generation probe prefers them (see `chooseProbeOffset`). */
  private previouslyOwned: ReadonlySet<string> = new Set();
  private pipelineDone?: Promise<void>;
  private readonly stats = {
    inMemory: 0,
    maxInMemory: 0,
    received: 0,
    processed: 0,
    failures: 0,
    offsetResets: 0,
    lastPollAt: 0,
  };

  constructor(
    private readonly definition: GroupDefinition,
    private readonly options: ResolvedGroupOptions,
    private readonly ctx: GroupRuntimeContext,
  ) {
    this.groupId = definition.groupId;
    this.logger = ctx.logger.child({ group: this.groupId });
    const config = consumerConfig(
      this.groupId,
      ctx.brokers,
      ctx.clientId,
      options,
      ctx.appRdkafka,
      ctx.statsIntervalMs,
    );
    const reset = config['auto.offset.reset'] ?? (options.fromBeginning ? 'earliest' : 'latest');
    delete config['auto.offset.reset'];
    // librdkafka reads auto.offset.reset from the topic config; an empty one would mean "latest".
    this.connection = new ConsumerConnection(config, { 'auto.offset.reset': reset });
    this.committer = new Committer(
      this.groupId,
      this.connection,
      this.tracker,
      ctx.events,
      this.logger,
      options.commitIntervalMs,
      () => this.activePartitions(),
    );
    const groupMiddleware = resolveMiddleware(
      definition.options.middleware ?? [],
      ctx.container,
      `@ConsumerGroup(${this.groupId}).middleware`,
    );
    for (const handler of new Set(definition.handlersByTopic.values())) {
      const own = resolveMiddleware(handler.middleware, ctx.container, `@UseMiddleware on ${handler.name}`);
      this.chains.set(
        handler.name,
        compose([...ctx.appMiddleware, ...groupMiddleware, ...own], (c) => handler.invoke(c.message, c)),
      );
    }
    this.connection.on('rebalance', (event) => this.enqueueRebalance(event));
    this.connection.on('error', (error) => this.onClientError(error));
    this.connection.on('log', (log) => this.onClientLog(log));
    this.connection.on('stats', (stats) => ctx.events.emit('stats', { groupId: this.groupId, stats }));
    ctx.events.on('message.processed', (e) => e.groupId === this.groupId && this.stats.processed++);
    ctx.events.on('message.failed', (e) => e.groupId === this.groupId && this.stats.failures++);
  }

  async start(): Promise<void> {
    await this.connection.connect();
    this.connection.setConsumeTimeout(100);
    (
      this.connection as unknown as { consumer: { setDefaultIsTimeoutOnlyForFirstMessage?: (v: boolean) => void } }
    ).consumer.setDefaultIsTimeoutOnlyForFirstMessage?.(true);
    this.connection.subscribe([...this.definition.handlersByTopic.keys()]);
    this.committer.start();
    this.pipelineDone = new Promise((resolve) => {
      this.subscription = pollSource(
        (n) => {
          this.stats.lastPollAt = Date.now();
          return this.connection.consume(n);
        },
        () => this.applyBackpressure(),
        () => this.stopping,
      )
        .pipe(
          mergeMap((batch) => this.admit(batch)),
          laneMap(
            (m: PipelineMessage) => laneOf(m, m.handler.ordering ?? this.options.ordering),
            (m) => this.run(m),
            {
              concurrency: this.options.concurrency,
              isStale: (m) => m.state.isDiscardable(m.offset),
              onDiscard: (m) => this.discard(m),
              purge: this.purge$,
            },
          ),
        )
        .subscribe({
          error: (err) => {
            this.logger.error({ err }, 'consumer pipeline failed');
            this.ctx.events.emit('group.error', { groupId: this.groupId, error: err });
            resolve();
          },
          complete: () => resolve(),
        });
    });
    this.ctx.events.emit('group.started', { groupId: this.groupId });
  }

  /** Accounts arriving messages; drops those of partitions we do not own or are revoking. */
  private admit(batch: RawMessage[]): PipelineMessage[] {
    const admitted: PipelineMessage[] = [];
    // A batch comes in runs of one partition: look its state up once per run, not per message.
    let runTopic: string | undefined;
    let runPartition = -1;
    let state: PartitionState | undefined;
    let handler: HandlerDefinition | undefined;
    let offsets: PartitionOffsets | undefined;
    for (const raw of batch) {
      if (raw.partition !== runPartition || raw.topic !== runTopic) {
        runTopic = raw.topic;
        runPartition = raw.partition;
        state = this.states.get(partitionKey(raw.topic, raw.partition));
        handler = this.definition.handlersByTopic.get(raw.topic);
        offsets = this.tracker.offsetsOf(raw.topic, raw.partition);
      }
      // Fetched before a revoke (or for a partition not ours): the next owner reads it.
      if (!state || state.revoking || !handler || !offsets) continue;
      if (state.held) {
        state.heldFrom ??= raw.offset;
        continue;
      }
      offsets.delivered(raw.offset);
      state.inMemory += 1;
      admitted.push(new PipelineMessage(raw, handler, state, offsets));
    }
    this.stats.received += admitted.length;
    this.stats.inMemory += admitted.length;
    this.stats.maxInMemory = Math.max(this.stats.maxInMemory, this.stats.inMemory);
    if (admitted.length > 0)
      this.ctx.events.emit('messages.received', { groupId: this.groupId, count: admitted.length });
    return admitted;
  }

  /** Built once: a fresh deps object with two closures per message showed up in profiles. */
  private executorDeps?: ExecutorDeps;

  private run(message: PipelineMessage): Promise<void> {
    this.executorDeps ??= {
      groupId: this.groupId,
      events: this.ctx.events,
      logger: this.logger,
      chainOf: (m) => this.chains.get(m.handler.name) as (ctx: MessageContext) => Promise<void>,
      retryBackoffMs: this.options.retryBackoffMs,
      release: (m) => this.leaveMemory(m),
    };
    return execute(message, this.executorDeps);
  }

  private discard(message: PipelineMessage): void {
    this.leaveMemory(message);
  }

  private leaveMemory(message: PipelineMessage): void {
    message.state.left();
    this.stats.inMemory -= 1;
    if (this.stats.inMemory === 0) this.committer.commitSoon();
  }

  /** Pauses/resumes partitions as `planBackpressure` decides; returns the next poll's size. */
  private applyBackpressure(): number {
    const active = [...this.states.values()].filter((s) => !s.revoking && !s.held);
    const plan = planBackpressure(active, this.stats.inMemory, this.options);
    this.connection.pause(plan.pause);
    this.connection.resume(plan.resume);
    for (const tp of plan.pause) this.ctx.events.emit('partition.paused', { groupId: this.groupId, ...tp });
    for (const tp of plan.resume) this.ctx.events.emit('partition.resumed', { groupId: this.groupId, ...tp });
    return plan.fetchAtMost;
  }

  private enqueueRebalance(event: RebalanceEvent): void {
    this.enqueue(
      () => (event.kind === 'assign' ? this.onAssign(event.partitions) : this.onRevoke(event.partitions, event.lost)),
      event,
    );
  }

  /** Rebalance handling and hold re-probes run one at a time, in order. */
  private enqueue(work: () => Promise<void>, event?: RebalanceEvent): void {
    this.rebalanceQueue = this.rebalanceQueue.then(work).catch((err) => {
      this.logger.error({ err, event }, 'rebalance handling failed');
      this.ctx.events.emit('group.error', { groupId: this.groupId, error: err as Error });
    });
  }

  private async onAssign(partitions: TopicPartition[]): Promise<void> {
    // First settle what a mid-rebalance revoke could not commit, so whoever now owns those
    // partitions fetches an offset past the work already done; ours restart at our own position.
    const carriedBack = await this.committer.settleCarried(partitions);
    const resumeAt = new Map(carriedBack.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
    if (partitions.length > 0 && this.options.eagerHandoverGraceMs > 0) {
      // Every member gets its assignment at once. A previous owner whose revoke-time commit was
      // refused commits right now (above); waiting a moment before assigning lets that commit land
      // before we fetch the committed offsets of partitions that moved to us. Under eager rebalancing
      // that is every partition; under cooperative-sticky it is the newly added ones, whose previous
      // owner revoked them one round earlier and commits as this round's assignment arrives (the
      // reliability suite's scale-out scenario saw the new owner win that race without the wait).
      await sleep(this.options.eagerHandoverGraceMs);
    }
    const hold = await this.generationIsOver(partitions, carriedBack);
    const states = partitions.map((tp) => {
      const key = partitionKey(tp.topic, tp.partition);
      const state = new PartitionState(tp);
      state.held = state.paused = hold;
      this.states.set(key, state);
      this.tracker.track(tp.topic, tp.partition, resumeAt.get(key));
      return state;
    });
    const positioned = partitions.map((tp) => {
      const offset = resumeAt.get(partitionKey(tp.topic, tp.partition));
      return offset === undefined ? tp : { ...tp, offset };
    });
    this.connection.assign(positioned);
    this.previouslyOwned = new Set(this.states.keys());
    if (hold) this.holdUntilStable(states, resumeAt);
    // librdkafka keeps a partition's pause flag across unassign/assign: a partition we paused while
    // revoking it earlier would come back paused forever. Our new state says "not paused": make it so.
    else this.connection.resume(partitions);
    this.logger.info({ partitions: partitions.map((p) => partitionKey(p.topic, p.partition)) }, 'partitions assigned');
    await this.runHooks('assigned', partitions);
    this.ctx.events.emit('partitions.assigned', { groupId: this.groupId, partitions });
  }

  /**
   * Classic protocols: had the group already started another round before these partitions
   * (eager: all ours; cooperative: the added ones) began? Then their previous owners may not have
   * been able to commit yet (see `probeGeneration`) and fetching would repeat their last messages.
   * KIP-848 needs no probe: its coordinator takes the revoking member's commit before the handover.
   */
  private async generationIsOver(partitions: TopicPartition[], carriedBack: CommitOffset[]): Promise<boolean> {
    if (partitions.length === 0 || this.connection.usesConsumerProtocol()) return false;
    return (await this.probeOurGeneration(partitions, carriedBack)) === 'rebalancing';
  }

  private probeOurGeneration(assigned: TopicPartition[], ownCarried: CommitOffset[]): Promise<GenerationVerdict> {
    return probeGeneration(
      this.connection,
      (offset) => this.committer.probe(offset),
      { ownCarried, assigned, previouslyOwned: this.previouslyOwned },
      this.logger,
    );
  }

  /**
   * Keeps new partitions idle while the group rebalances again: assigned (librdkafka needs the
   * assign to take part in the next round) but paused, arrivals dropped, nothing processed or
   * committed. Under eager rebalancing the next round revokes them and they are handed over
   * untouched; under cooperative-sticky they may stay ours, so the probe is repeated and once the
   * group is stable they start where the group's committed offsets say (`release`).
   */
  private holdUntilStable(held: PartitionState[], resumeAt: Map<string, number>): void {
    const partitions = held.map((s) => s.tp);
    this.connection.pause(partitions);
    this.logger.info(
      { partitions: partitions.map((p) => partitionKey(p.topic, p.partition)) },
      'group already rebalancing again: new partitions held unstarted until it is stable',
    );
    this.ctx.events.emit('partitions.held', { groupId: this.groupId, partitions });
    this.reprobeLater(held, resumeAt);
  }

  private reprobeLater(held: PartitionState[], resumeAt: Map<string, number>): void {
    setTimeout(
      () => this.enqueue(() => this.reprobe(held, resumeAt)),
      Math.max(HOLD_REPROBE_MS, this.options.eagerHandoverGraceMs),
    ).unref();
  }

  private async reprobe(held: PartitionState[], resumeAt: Map<string, number>): Promise<void> {
    // Runs on the rebalance queue: a revoke that came first has already forgotten these states.
    const still = held.filter((s) => s.held && this.states.get(partitionKey(s.tp.topic, s.tp.partition)) === s);
    if (still.length === 0 || this.stopping) return;
    const partitions = still.map((s) => s.tp);
    const ownCarried = partitions.flatMap((tp) => {
      const offset = resumeAt.get(partitionKey(tp.topic, tp.partition));
      return offset === undefined ? [] : [{ ...tp, offset }];
    });
    const verdict = await this.probeOurGeneration(partitions, ownCarried);
    if (verdict === 'stable') await this.release(still, resumeAt);
    else this.reprobeLater(still, resumeAt);
  }

  /**
   * Ends a hold without a revoke: after the handover grace (a previous owner's refused commit lands
   * as soon as the group is stable), each partition starts at the furthest of the group's committed
   * offset and our own carried one, or where the dropped arrivals began if there is neither.
   */
  private async release(held: PartitionState[], resumeAt: Map<string, number>): Promise<void> {
    await sleep(this.options.eagerHandoverGraceMs);
    const partitions = held.map((s) => s.tp);
    let committed: CommitOffset[];
    try {
      committed = await this.connection.committed(partitions, 5_000);
      for (const state of held) {
        const { topic, partition } = state.tp;
        const key = partitionKey(topic, partition);
        const own = resumeAt.get(key);
        const group = committed.find((c) => c.topic === topic && c.partition === partition && c.offset >= 0)?.offset;
        const start = own === undefined ? (group ?? state.heldFrom) : Math.max(own, group ?? own);
        if (start !== undefined) await this.connection.seek({ topic, partition, offset: start });
        if (own !== undefined && start !== own) {
          // The group is past our carried offset: committing it would move the group backwards.
          this.tracker.forget(topic, partition);
          this.tracker.track(topic, partition);
        }
      }
    } catch (err) {
      this.logger.debug({ err }, 'could not position held partitions; probing again');
      this.reprobeLater(held, resumeAt);
      return;
    }
    for (const state of held) state.held = state.paused = false;
    this.connection.resume(partitions);
    this.logger.info(
      { partitions: partitions.map((p) => partitionKey(p.topic, p.partition)) },
      'group stable: held partitions started',
    );
    this.ctx.events.emit('partitions.released', { groupId: this.groupId, partitions });
  }

  private async onRevoke(partitions: TopicPartition[], lost: boolean): Promise<void> {
    if (this.stopping) {
      // stop() already flushed and committed; this is the consumer's own revoke on close.
      this.safeUnassign(partitions);
      return;
    }
    const started = performance.now();
    const owned = partitions.filter((tp) => this.states.has(partitionKey(tp.topic, tp.partition)));
    const { timedOut } = await revokeFlush(
      this.flushTarget((tps) => this.safeUnassign(tps.length > 0 ? tps : partitions), true),
      owned.length > 0 ? owned : partitions,
      { lost, revokeTimeoutMs: this.options.revokeTimeoutMs },
    );
    const durationMs = performance.now() - started;
    const names = partitions.map((p) => partitionKey(p.topic, p.partition));
    if (lost) {
      this.logger.warn(
        { partitions: names },
        'partitions lost (session timed out?): their uncommitted work will be redelivered',
      );
      this.ctx.events.emit('partitions.lost', { groupId: this.groupId, partitions });
    } else {
      this.logger.info(
        { partitions: names, durationMs: Math.round(durationMs), timedOut },
        'partitions revoked after flush',
      );
      this.ctx.events.emit('partitions.revoked', { groupId: this.groupId, partitions, durationMs, timedOut });
    }
  }

  /** What the drain protocol acts on; `forget` drops the partitions' state once released. */
  private flushTarget(release: (partitions: TopicPartition[]) => void, forget: boolean): FlushTarget {
    return {
      statesOf: (tps) => tps.flatMap((tp) => this.states.get(partitionKey(tp.topic, tp.partition)) ?? []),
      stopFetching: (tps) => this.connection.pause(tps),
      discardUnstarted: () => this.purge$.next(),
      commitSync: (tps) => this.committer.commitSync(tps),
      runHooks: (kind, tps) => this.runHooks(kind, tps),
      release,
      forget: (tps) => {
        if (!forget) return;
        for (const tp of tps) {
          this.states.delete(partitionKey(tp.topic, tp.partition));
          this.tracker.forget(tp.topic, tp.partition);
        }
      },
    };
  }

  private safeUnassign(partitions: TopicPartition[]): void {
    try {
      this.connection.unassign(partitions);
    } catch (err) {
      if (!this.stopping) throw err; // closing: the consumer releases everything itself
    }
  }

  private async runHooks(kind: 'assigned' | 'revoked' | 'lost', partitions: TopicPartition[]): Promise<void> {
    for (const hook of this.definition.hooks[kind]) {
      try {
        await hook.run(partitions);
      } catch (err) {
        // A hook's failure must not block the rebalance (the group would stall for everyone).
        this.logger.error({ err, hook: hook.name }, `partition ${kind} hook failed`);
      }
    }
  }

  private activePartitions(): TopicPartition[] {
    return [...this.states.values()].filter((s) => !s.revoking).map((s) => s.tp);
  }

  private onClientError(error: Error & { code?: number; isFatal?: boolean }): void {
    this.logger.warn({ err: error }, 'kafka client error');
    this.ctx.events.emit('group.error', { groupId: this.groupId, error });
  }

  private onClientLog(log: { severity: number; fac: string; message: string }): void {
    // librdkafka logs an offset reset caused by an error (offset out of range: the data was deleted
    // by retention before we read it) as a warning "<topic> [<p>]: offset reset (at …) to …".
    // Skipped data must never be silent: log it, count it, emit it. The same line also announces a
    // group's very first start ("no previously committed offset available"): nothing skipped there.
    const reset = /(\S+) \[(\d+)\]: offset reset/.exec(log.message);
    if (reset && !log.message.includes('no previously committed offset')) {
      this.stats.offsetResets += 1;
      this.logger.warn({ detail: log.message }, 'offset reset by the client: data was skipped (deleted by retention?)');
      this.ctx.events.emit('offsets.reset', {
        groupId: this.groupId,
        topic: reset[1] as string,
        partition: Number(reset[2]),
        detail: log.message,
      });
    } else if (reset) {
      this.logger.debug({ detail: log.message }, 'no committed offset: starting at auto.offset.reset');
    } else if (log.severity <= 3) {
      this.logger.error({ fac: log.fac }, log.message);
    }
  }

  /**
   * Graceful stop: stop fetching, drop unstarted work, let running handlers finish (bounded by
   * `timeoutMs`, then abort), commit synchronously, run revoke hooks, leave the group (static
   * members do not leave: librdkafka keeps their membership for `session.timeout.ms`).
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.rebalanceQueue;
    const owned = this.activePartitions();
    await revokeFlush(
      // Closing the consumer releases the partitions (static members keep them for the session).
      this.flushTarget(() => {}, false),
      owned,
      { lost: false, revokeTimeoutMs: timeoutMs },
    );
    this.states.clear();
    // What an earlier rebalance could not commit must land before we leave, or it is redelivered.
    await this.committer.flushCarried(Math.min(timeoutMs, 5_000));
    this.committer.stop();
    await this.pipelineDone;
    this.subscription?.unsubscribe();
    await this.connection.disconnect();
    this.ctx.events.emit('group.stopped', { groupId: this.groupId });
  }

  snapshot(): GroupStats {
    const states = [...this.states.values()];
    return {
      groupId: this.groupId,
      inMemory: this.stats.inMemory,
      maxInMemory: this.stats.maxInMemory,
      running: states.reduce((n, s) => n + s.running, 0),
      received: this.stats.received,
      processed: this.stats.processed,
      failures: this.stats.failures,
      offsetResets: this.stats.offsetResets,
      lastPollAt: this.stats.lastPollAt,
      assigned: states.map((s) => s.tp),
      paused: states.filter((s) => s.paused).map((s) => s.tp),
    };
  }

  committedOffset(topic: string, partition: number): number | undefined {
    return this.tracker.committedOffset(topic, partition);
  }
}
