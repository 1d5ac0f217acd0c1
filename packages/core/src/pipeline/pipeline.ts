import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { map, Subject, type Subscription } from 'rxjs';
import type { ResolvedGroupOptions } from '../config/group-options.js';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import type { TopicPartition } from '../model/topic-partition.js';
import type { Assignment } from '../partitions/assignment.js';
import { admit, type HandlerLookup, Redeliveries } from './admission.js';
import { planBackpressure, pollAheadSize } from './backpressure.js';
import { executeBatch } from './batch-executor.js';
import { type ExecutorDeps, execute } from './executor.js';
import { HotLanes, type KeyLaneStats, keyLaneStats } from './key-lanes.js';
import { type LaneView, laneMapEach } from './lane-map.js';
import type { PipelineMessage } from './message-envelope.js';
import { pollSource } from './poll-source.js';
import { laneOf, orderingOf } from './router.js';

/** How long polling pauses after a failed poll. */
const FETCH_ERROR_PAUSE_MS = 1_000;
/**
 * With nothing to fetch (no room, every partition paused), the longest wait between the polls that
 * serve the group; a message leaving memory that lets a partition resume ends the wait earlier.
 */
const BLOCKED_POLL_INTERVAL_MS = 100;
/**
 * With the budget full, how long polling waits for room before pausing every partition. Pausing
 * makes librdkafka drop what it prefetched and fetch it again on resume (~50 ms a time on a
 * 1 MB record batch); handlers that finish in milliseconds free room well within this.
 */
const FULL_GRACE_MS = 100;
/** `applyBackpressure`'s answer while the grace runs: wait for room, do not poll. */
const WAIT_FOR_ROOM = -1;

/** What the pipeline needs from the consumer. */
export interface FetchPort {
  /** `waitMs`: how long to wait for a first message (unset: the consumer's default). */
  consume(max: number, waitMs?: number): Promise<RawMessage[]>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
}

export interface PipelineDeps {
  groupId: string;
  fetch: FetchPort;
  assignment: Assignment;
  /** A topic's handler (its own, or a pattern's). */
  handlersByTopic: HandlerLookup;
  /** The composed middleware + handler chain of each handler, by handler name. */
  chains: ReadonlyMap<string, (ctx: MessageContext) => Promise<void>>;
  options: ResolvedGroupOptions;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
  /** Called whenever nothing is left in memory (the committer commits soon then). */
  onIdle: () => void;
  /**
   * A poll failed with a non-fatal error (e.g. a subscribed topic deleted): the pipeline goes on
   * polling after a short pause; the caller reports it (rate-limited).
   */
  onFetchError: (error: Error) => void;
  isStopping: () => boolean;
}

/**
 * The message path, one way: poll source → admission → lanes (ordering, concurrency) → executor
 * (middleware + handler, retry until a final outcome). It owns the accounting invariant
 * `inMemory ≤ maxInFlight`: backpressure is planned before every poll from the owned partitions'
 * counts and applied by pausing them at the consumer.
 */
export class Pipeline {
  readonly counters = { inMemory: 0, maxInMemory: 0, received: 0, lastPollAt: 0, processed: 0, failures: 0 };
  private readonly purge$ = new Subject<void>();
  private subscription?: Subscription;
  private readonly executorDeps: ExecutorDeps;
  /** Set while polling waits for room (see `fetch`); called when a partition may resume. */
  private roomWaiter?: () => void;
  private lastShare = 0;
  /** Messages the last poll brought (a poll into a pipeline that finished them may bring more). */
  private lastPollSize = 0;
  /** For `pollAheadSize`: the poll before the last one's size, and what was in memory when the last came in. */
  private previousPollSize = 0;
  private inMemoryBeforeBatch = 0;
  /** When the budget became full (unset while there is room). */
  private fullSince?: number;
  /** The poll in flight, and work that must run between two polls (a seek): see `exclusively`. */
  private polling?: Promise<unknown>;
  private exclusive?: Promise<unknown>;
  private laneView?: () => LaneView<PipelineMessage>;
  private readonly hotLanes = new HotLanes();
  private readonly redeliveries = new Redeliveries();

  constructor(private readonly deps: PipelineDeps) {
    this.executorDeps = {
      groupId: deps.groupId,
      events: deps.events,
      logger: deps.logger,
      chainOf: (m) => deps.chains.get(m.handler.name) as (ctx: MessageContext) => Promise<void>,
      retryBackoffMs: deps.options.retryBackoffMs,
      release: (m) => this.leaveMemory(m),
      counters: this.counters,
    };
  }

  /** Runs until the group stops; resolves when the last lane drained (or the pipeline failed). */
  run(): Promise<void> {
    const { options } = this.deps;
    return new Promise((resolve, reject) => {
      this.subscription = pollSource(
        (n) => this.fetch(n),
        () => this.applyBackpressure(),
        this.deps.isStopping,
        () => this.pollAhead(),
      )
        .pipe(
          map((batch) => this.admitBatch(batch)),
          laneMapEach(
            (m: PipelineMessage) => laneOf(m, orderingOf(m, options.ordering), m.owner.key),
            (m, slot) => execute(m, this.executorDeps, slot),
            {
              batchOf: (m) => this.batchOf(m),
              projectBatch: (ms, slot) => executeBatch(ms, this.executorDeps, slot),
              concurrency: options.concurrency,
              isStale: (m) => m.owner.isDiscardable(m.offset),
              onDiscard: (m) => this.leaveMemory(m),
              purge: this.purge$,
              inspect: (view) => {
                this.laneView = view;
              },
              sample: (lane, m) => this.hotLanes.sample(lane, m),
            },
          ),
        )
        .subscribe({ error: reject, complete: () => resolve() });
    });
  }

  /**
   * A batch handler's message at the front of its lane: the batch's size and how much longer it may
   * wait to fill (from its first message's admission; not while the partition leaves or the group stops).
   */
  private batchOf(m: PipelineMessage): { maxSize: number; waitMs: number } | undefined {
    const batch = m.handler.batch;
    if (!batch) return undefined;
    const hurry = batch.maxWaitMs === 0 || m.owner.leaving || this.deps.isStopping();
    const waited = Date.now() - m.admittedAt;
    return { maxSize: batch.maxSize, waitMs: hurry ? 0 : Math.min(batch.maxWaitMs, batch.maxWaitMs - waited) };
  }

  /**
   * One poll. A fatal client error ends the pipeline (the group reports it); anything else — a
   * topic deleted under the subscription, a broker error — is reported and polling goes on, so a
   * member never turns into a zombie that neither consumes nor fails.
   */
  private async fetch(n: number): Promise<RawMessage[]> {
    try {
      if (n === WAIT_FOR_ROOM) {
        await this.roomOrTimeout(FULL_GRACE_MS - (performance.now() - (this.fullSince ?? 0)));
        return [];
      }
      if (n === 0) await this.roomOrTimeout(BLOCKED_POLL_INTERVAL_MS);
      while (this.exclusive) await this.exclusive;
      this.counters.lastPollAt = Date.now();
      // Set before anything awaits, so `exclusively` always sees the poll it must wait for.
      const polled = n === 0 ? this.deps.fetch.consume(1, 0) : this.deps.fetch.consume(n);
      this.polling = polled;
      const batch = await polled;
      this.previousPollSize = this.lastPollSize;
      this.lastPollSize = batch.length;
      return batch;
    } catch (err) {
      if ((err as { isFatal?: boolean }).isFatal) throw err;
      this.deps.onFetchError(err as Error);
      await sleep(FETCH_ERROR_PAUSE_MS);
      return [];
    }
  }

  private admitBatch(batch: RawMessage[]): PipelineMessage[] {
    const admitted = admit(batch, this.deps.assignment, this.deps.handlersByTopic, Date.now(), this.redeliveries);
    this.redeliveries.flush(this.deps.logger);
    this.inMemoryBeforeBatch = this.counters.inMemory;
    this.counters.received += admitted.length;
    this.counters.inMemory += admitted.length;
    this.counters.maxInMemory = Math.max(this.counters.maxInMemory, this.counters.inMemory);
    if (admitted.length > 0)
      this.deps.events.emit('messages.received', { groupId: this.deps.groupId, count: admitted.length });
    return admitted;
  }

  /**
   * Runs `fn` between two polls: after the poll in flight returned (its messages admitted or
   * dropped), before the next one starts. A seek needs it: librdkafka drops what it fetched before
   * a seek, but not what a poll running concurrently already handed over.
   */
  exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const run = (this.exclusive ?? Promise.resolve())
      .then(() => this.polling)
      .catch(() => {})
      .then(fn);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.exclusive = settled;
    void settled.then(() => {
      if (this.exclusive === settled) this.exclusive = undefined;
    });
    this.wake();
    return run;
  }

  /** Key ordering's lanes now (bounded lists of `n`); undefined before the pipeline runs. */
  keyLanes(n: number): KeyLaneStats | undefined {
    return this.laneView ? keyLaneStats(this.laneView(), this.hotLanes, n) : undefined;
  }

  /** Ends a wait for room now (a partition was resumed or released from a hold). */
  wake(): void {
    const wake = this.roomWaiter;
    this.roomWaiter = undefined;
    wake?.();
  }

  /** Drops queued, unstarted messages of revoking partitions now (see `OwnedPartition.isDiscardable`). */
  discardUnstarted(): void {
    this.purge$.next();
  }

  unsubscribe(): void {
    this.subscription?.unsubscribe();
  }

  private leaveMemory(message: PipelineMessage): void {
    message.owner.left();
    this.counters.inMemory -= 1;
    // The resume condition of planBackpressure, checked only while polling waits on it.
    if (
      this.roomWaiter &&
      (message.owner.inMemory <= this.lastShare / 2 ||
        this.counters.inMemory * 4 <= this.deps.options.maxInFlight ||
        (this.fullSince !== undefined && this.deps.options.maxInFlight - this.counters.inMemory >= this.wakeRoom()))
    )
      this.wake();
    if (this.counters.inMemory === 0) this.deps.onIdle();
  }

  private roomOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.roomWaiter === done) self.roomWaiter = undefined;
        resolve();
      }
      this.roomWaiter = done;
    });
  }

  /** Room worth a poll after the budget was full: a batch, or a quarter of the budget. */
  private wakeRoom(): number {
    return Math.min(this.deps.options.batchSize, Math.ceil(this.deps.options.maxInFlight / 4));
  }

  private pollAhead(): number {
    const anyPaused = this.deps.assignment.active().some((p) => p.paused && !p.held);
    const { inMemoryBeforeBatch: inMemoryBefore, previousPollSize, counters } = this;
    return pollAheadSize(
      { inMemoryBefore, previousPollSize, inMemory: counters.inMemory, anyPaused },
      this.deps.options,
    );
  }

  /**
   * Pauses/resumes partitions as `planBackpressure` decides; returns the next poll's size (0: blocked,
   * `WAIT_FOR_ROOM`: the budget is full and its grace runs, no poll).
   */
  private applyBackpressure(): number {
    const active = this.deps.assignment.active();
    // The grace only while no partition's lane starves: one with nothing in memory gets the first
    // freed slot (pause all, resume it at once), as without the grace.
    if (this.counters.inMemory >= this.deps.options.maxInFlight && active.every((p) => p.inMemory > 0)) {
      this.fullSince ??= performance.now();
      if (performance.now() - this.fullSince < FULL_GRACE_MS) return WAIT_FOR_ROOM;
    } else if (this.counters.inMemory < this.deps.options.maxInFlight) this.fullSince = undefined;
    const plan = planBackpressure(active, this.counters.inMemory, this.deps.options, this.lastPollSize);
    this.deps.fetch.pause(plan.pause);
    this.deps.fetch.resume(plan.resume);
    for (const tp of plan.pause) this.deps.events.emit('partition.paused', { groupId: this.deps.groupId, ...tp });
    for (const tp of plan.resume) this.deps.events.emit('partition.resumed', { groupId: this.deps.groupId, ...tp });
    this.lastShare = plan.share;
    return plan.blocked ? 0 : plan.fetchAtMost;
  }
}
