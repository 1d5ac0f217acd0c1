import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Resolver } from '../app/resolver.js';
import type { ResolvedGroupOptions } from '../config/group-options.js';
import { consumerConfig } from '../connection/consumer-config.js';
import { ConsumerConnection } from '../connection/consumer-connection.js';
import { MissingTopicsError, TributaryError } from '../errors.js';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import { composeHandlerChains } from '../middleware/handler-chains.js';
import type { MiddlewareFn } from '../middleware/middleware.js';
import type { GroupDefinition } from '../model/definitions.js';
import { HandlerRouter } from '../model/handler-routing.js';
import { partitionNames, type TopicPartition } from '../model/topic-partition.js';
import { Committer } from '../offsets/committer.js';
import { Assignment } from '../partitions/assignment.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { Rebalancer } from '../rebalance/rebalancer.js';
import type { TransactionRunner } from '../transactions/transaction-runner.js';
import { transactionRunnerFor, withTransactions } from '../transactions/transactional-group.js';
import { ClientErrorLog } from './client-error-log.js';
import { connectWithProgress } from './connect-progress.js';
import { describeGroup, type GroupDescription } from './group-description.js';
import { type GroupStats, groupStats } from './group-stats.js';
import { checkTopics, type TopicCheck, TopicWaiter } from './missing-topics.js';
import { PartitionControl } from './partition-control.js';
import { runPartitionHooks } from './partition-hooks.js';

export type { GroupStats } from './group-stats.js';

/** How long `consume(n)` waits for the first message of a batch. */
const CONSUME_TIMEOUT_MS = 100;
/** The least time closing the consumer (LeaveGroup) gets, even when the drain used up the stop's timeout. */
const MIN_CLOSE_MS = 1_000;

export type { GroupDescription };

export interface GroupRuntimeContext {
  brokers: string;
  clientId: string;
  resolver: Resolver;
  appMiddleware: MiddlewareFn[];
  appRdkafka: Record<string, string | number | boolean>;
  statsIntervalMs: number;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
}

/**
 * One consumer group member. It only builds and starts the parts — the connection (the binding),
 * the assignment (one state per owned partition), the pipeline (poll → admission → lanes →
 * executor), the committer and the rebalancer — and stops them in order.
 */
export class GroupConsumer {
  readonly groupId: string;
  private readonly logger: Logger;
  private readonly connection: ConsumerConnection;
  private readonly assignment = new Assignment();
  private readonly committer: Committer;
  private readonly txn?: TransactionRunner; // `@Consume({ transactional })`: offsets commit in transactions
  private readonly pipeline: Pipeline;
  private readonly rebalancer: Rebalancer;
  private readonly router: HandlerRouter;
  /** `app.pause/resume/seek` for this group. */
  readonly control: PartitionControl;
  private readonly counts = { offsetResets: 0 };
  private stopping = false;
  private pollingStopped = false;
  private starting?: Promise<void>;
  private pipelineDone?: Promise<void>;
  private waiter?: TopicWaiter;
  private readonly clientErrors: ClientErrorLog;

  constructor(
    private readonly definition: GroupDefinition,
    private readonly options: ResolvedGroupOptions,
    private readonly ctx: GroupRuntimeContext,
  ) {
    this.groupId = definition.groupId;
    this.logger = ctx.logger.child({ group: this.groupId });
    this.clientErrors = new ClientErrorLog(this.logger);
    this.router = new HandlerRouter(definition, (topic, handlers) =>
      this.logger.error({ topic, handlers }, `topic ${topic} matches ${handlers.join(' and ')}: it goes to the first`),
    );
    const config = consumerConfig(
      this.groupId,
      ctx.brokers,
      ctx.clientId,
      options,
      ctx.appRdkafka,
      ctx.statsIntervalMs,
      this.router.hasPatterns,
    );
    const reset = config['auto.offset.reset'] ?? (options.fromBeginning ? 'earliest' : 'latest');
    delete config['auto.offset.reset'];
    // librdkafka reads auto.offset.reset from the topic config; an empty one would mean "latest".
    this.connection = new ConsumerConnection(config, { 'auto.offset.reset': reset });
    const { events } = ctx;
    const txnInputs = { definition, options, consumerConfig: config, brokers: ctx.brokers, groupId: this.groupId };
    const txnPorts = { assignment: this.assignment, consumer: this.connection.binding, events, logger: this.logger };
    const rewind = (tp: TopicPartition, offset: number) => this.control.seek({ ...tp, offset });
    this.txn = transactionRunnerFor({ ...txnInputs, ...txnPorts, rewind });
    this.committer = new Committer(
      this.groupId,
      this.connection,
      this.assignment,
      events,
      this.logger,
      options.commitIntervalMs,
    );
    const chains = composeHandlerChains(definition, options.middleware, ctx.appMiddleware, ctx.resolver);
    this.pipeline = new Pipeline({
      groupId: this.groupId,
      fetch: this.connection,
      assignment: this.assignment,
      handlersByTopic: this.router,
      chains: withTransactions(chains, this.txn),
      options,
      events,
      logger: this.logger,
      onIdle: () => (this.txn ?? this.committer).commitSoon(),
      onFetchError: (error) => {
        this.clientErrors.error(error);
        this.ctx.events.emit('group.error', { groupId: this.groupId, error });
      },
      // Polling goes on through the stop's flush: librdkafka delivers commit answers (and rebalance
      // callbacks) only while the consumer is polled, so the final commit's answer needs it.
      isStopping: () => this.pollingStopped,
    });
    this.rebalancer = new Rebalancer({
      groupId: this.groupId,
      assignment: this.assignment,
      consumer: this.connection,
      commit: (owned, timeoutMs, kind) => (this.txn ?? this.committer).commitNow(owned, timeoutMs, kind),
      discardUnstarted: () => this.pipeline.discardUnstarted(),
      runHooks: (kind, partitions) => runPartitionHooks(this.definition.hooks, kind, partitions, this.logger),
      events,
      logger: this.logger,
      revokeTimeoutMs: options.revokeTimeoutMs,
    });
    this.control = new PartitionControl({
      groupId: this.groupId,
      assignment: this.assignment,
      fetch: this.connection,
      positions: this.connection.positions,
      betweenPolls: (fn) => this.pipeline.exclusively(fn),
      discardUnstarted: () => this.pipeline.discardUnstarted(),
      wake: () => this.pipeline.wake(),
      commit: (owned, timeoutMs, kind) => (this.txn ?? this.committer).commitNow(owned, timeoutMs, kind),
      events,
      logger: this.logger,
    });
    this.wire();
  }

  private wire(): void {
    const { events } = this.ctx;
    this.connection.on('rebalance', (event) => this.rebalancer.enqueue(event));
    this.connection.on('error', (error) => {
      this.clientErrors.error(error);
      events.emit('group.error', { groupId: this.groupId, error });
    });
    this.connection.on('client-error-log', ({ fac, message }) => this.clientErrors.logLine(fac, message));
    this.connection.on('offset-reset', (reset) => {
      // Skipped data must never be silent: log it, count it, emit it.
      this.counts.offsetResets += 1;
      this.logger.warn(
        { detail: reset.detail },
        'offset reset by the client: data was skipped (deleted by retention?)',
      );
      events.emit('offsets.reset', { groupId: this.groupId, ...reset });
    });
    this.connection.on('stats', (stats) => events.emit('stats', { groupId: this.groupId, stats }));
  }

  /**
   * Connects, checks the subscription against the cluster's topics, subscribes and starts the
   * pipeline. A missing topic rejects (`missingTopics: 'fail'`), or is waited for (`'wait'`).
   */
  start(): Promise<void> {
    this.starting ??= this.connectAndSubscribe();
    return this.starting;
  }

  private async connectAndSubscribe(): Promise<void> {
    this.clientErrors.connecting = true;
    await connectWithProgress(this.connection, this.ctx.brokers, this.logger, () => this.clientErrors.counted);
    this.clientErrors.connecting = false;
    if (this.stopping) return;
    const check = await this.checkSubscription();
    if (this.stopping) return;
    await this.txn?.start(); // before the first message: it fences an earlier instance
    if (check.present.length > 0) this.connection.subscribe(check.present, CONSUME_TIMEOUT_MS);
    if (!this.txn) this.committer.start();
    this.pipelineDone = this.pipeline.run().catch((err) => {
      this.logger.error({ err }, 'consumer pipeline failed');
      this.ctx.events.emit('group.error', { groupId: this.groupId, error: err as Error });
    });
    if (check.missing.length > 0) {
      this.waiter = new TopicWaiter({
        lookup: this.connection,
        subscribed: [...this.definition.handlersByTopic.keys()],
        logger: this.logger,
        onPresent: (present) => this.connection.subscribe(present, CONSUME_TIMEOUT_MS),
      });
      this.waiter.begin(check);
    }
    this.ctx.events.emit('group.started', { groupId: this.groupId });
  }

  private async checkSubscription(): Promise<TopicCheck> {
    let check: TopicCheck;
    try {
      check = await checkTopics(this.connection, [...this.definition.handlersByTopic.keys()]);
    } catch (err) {
      throw new TributaryError(
        `consumer group "${this.groupId}": cannot list the cluster's topics: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.router.checkOverlaps(check.existing);
    if (check.missing.length > 0 && this.options.missingTopics === 'fail') {
      throw new MissingTopicsError(this.groupId, check.missing, check.suggestions);
    }
    return check;
  }

  /**
   * Graceful stop: stop fetching, drop unstarted work, let running handlers finish (bounded by
   * `timeoutMs`, then abort), commit and await the answer (within what is left of `timeoutMs`),
   * run revoke hooks, leave the group (static members do not leave: librdkafka keeps their
   * membership for `session.timeout.ms`). What could not be committed is logged and redelivered.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = performance.now() + timeoutMs;
    this.waiter?.stop();
    // A start still connecting sees `stopping` and goes no further; the client is closed below.
    await this.starting?.catch(() => {});
    const uncommitted = await this.rebalancer.stop(timeoutMs);
    if (uncommitted.length > 0) {
      this.logger.warn(
        { partitions: partitionNames(uncommitted), offsets: uncommitted.map((o) => o.offset) },
        'stopping without committing these offsets: their messages will be redelivered to the next owner',
      );
    }
    this.committer.stop();
    await this.txn?.stop();
    this.pollingStopped = true;
    // The lanes are empty after the flush; a handler that ignores its abort signal is not waited for.
    // The wait is cancelled once the pipeline finished: a pending timer would keep the process alive
    // for the rest of `shutdownTimeoutMs` after `stop()` returned (30 s by default).
    const waitedEnough = new AbortController();
    await Promise.race([
      this.pipelineDone,
      sleep(Math.max(0, deadline - performance.now()), undefined, { signal: waitedEnough.signal }).catch(() => {}),
    ]);
    waitedEnough.abort();
    this.pipeline.unsubscribe();
    const closeMs = Math.max(MIN_CLOSE_MS, deadline - performance.now());
    if ((await this.connection.disconnect(closeMs)) === 'timeout') {
      this.logger.warn(
        { waitedMs: Math.round(closeMs) },
        'the consumer did not close in time (coordinator unreachable?)',
      );
    }
    this.clientErrors.flush();
    this.ctx.events.emit('group.stopped', { groupId: this.groupId, uncommitted });
  }

  /** Resolves once the native consumer has closed (see `ConsumerConnection.whenClosed`). */
  whenClosed(): Promise<void> {
    return this.connection.whenClosed();
  }

  /** `keys`: also the key lanes, `keys` of each list (walks every lane: for scrapes, not per message). */
  snapshot(keys?: number): GroupStats {
    return groupStats(this.groupId, this.assignment.all(), this.pipeline.counters, {
      offsetResets: this.counts.offsetResets,
      missingTopics: [...(this.waiter?.missing ?? [])],
      keys: keys === undefined ? undefined : this.pipeline.keyLanes(keys),
    });
  }

  /** What this group subscribes to and the settings it runs with (for tools such as `tributary verify`). */
  describe(): GroupDescription {
    return describeGroup(this.definition, this.options);
  }

  /** The last offset the coordinator acknowledged for this member on a partition it owns. */
  committedOffset(topic: string, partition: number): number | undefined {
    return this.assignment.get(topic, partition)?.committed;
  }
}
