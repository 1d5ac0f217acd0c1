/**
 * The only code that talks to the binding's KafkaConsumer. It never runs user code: it turns the
 * binding's callbacks into plain events, its callback API into promises, and its commits into one
 * awaited promise each (`commit`). Nothing here blocks the JavaScript thread on the network: the
 * binding's synchronous calls (commitSync, committed without a callback) are never used.
 */

import { EventEmitter } from 'node:events';
import { KafkaConsumer, type LibrdKafkaError, type Message as RawMessage } from '@confluentinc/kafka-javascript';
import { KafkaConnectionError } from '../errors.js';
import type { CommitOffset, TopicPartition } from '../model/topic-partition.js';
import { type OffsetReset, offsetResetOf } from './client-log.js';
import { CommitChannel, type CommitReply } from './commit-channel.js';
import type { BindingExtras, CommittedOffset, ConnectionEvents, RdkafkaConfig } from './connection-types.js';
import { asConfigError } from './consumer-config.js';
import { ErrorCode } from './error-codes.js';
import { FetcherWake } from './fetcher-wake.js';
import { SeekPort } from './seek-port.js';

export type { ConnectionEvents, RdkafkaConfig, RebalanceEvent } from './connection-types.js';

export class ConsumerConnection extends EventEmitter<ConnectionEvents> {
  private readonly consumer: KafkaConsumer;
  private readonly commits: CommitChannel;
  readonly positions = new SeekPort(() => this.consumer); // seeks and lookups, off the JS thread
  /** KIP-848 (`group.protocol: consumer`): every rebalance is incremental, whatever librdkafka reports. */
  private readonly alwaysIncremental: boolean;
  private readonly brokers: string;
  private readonly groupId: string;
  /**
   * librdkafka's last error, for a failed connect to report besides its own reason: preferably
   * from its error log lines, which arrive as they happen and name the broker and the cause
   * (`Connect to ipv4#10.0.0.1:9092 failed: Connection refused`). `event.error`s only say
   * `broker transport failure`, and the binding queues them until the consumer is polled or closed.
   */
  private lastLogError?: string;
  private lastEventError?: string;
  /**
   * Set when `disconnect()` starts. From then on the native consumer is closing and then freed;
   * the binding's `assignmentLost()` (unlike its other methods) does not check that it still
   * exists and dereferences it regardless: SIGSEGV (docs/native-crash.md).
   */
  private closing = false;
  private readonly fetcherWake: FetcherWake;
  private closed: Promise<void> = Promise.resolve();
  private consumeTimeoutMs = 1000;

  constructor(config: RdkafkaConfig, topicConfig: RdkafkaConfig) {
    super();
    this.alwaysIncremental = config['group.protocol'] === 'consumer';
    this.brokers = String(config['bootstrap.servers']);
    this.groupId = String(config['group.id']);
    try {
      this.consumer = new KafkaConsumer(
        {
          ...config,
          rebalance_cb: (err: LibrdKafkaError, assignment: TopicPartition[]) => this.onRebalance(err, assignment),
          offset_commit_cb: (err: LibrdKafkaError | undefined, offsets: CommittedOffset[]) =>
            this.commits.onResult({
              error: err ?? undefined,
              offsets: offsets.map(({ topic, partition, offset, error }) => ({ topic, partition, offset, error })),
            }),
          event_cb: true,
        } as never,
        topicConfig as never,
      );
    } catch (err) {
      throw asConfigError(err as Error);
    }
    this.commits = new CommitChannel((offsets) => this.consumer.commit(offsets));
    this.fetcherWake = new FetcherWake(
      (latest, timeoutMs, done) => this.consumer.offsetsForTimes(latest, timeoutMs, done),
      (error) => this.emit('error', error),
    );
    this.consumer.on('event.error', (err) => {
      this.lastEventError = err.message;
      this.emit('error', Object.assign(new Error(err.message), err));
    });
    this.consumer.on('event.log', (log) => this.onLog(log));
    this.consumer.on('event.stats', (stats) => {
      try {
        this.emit('stats', JSON.parse(stats.message) as Record<string, unknown>);
      } catch {
        /* a malformed stats blob is not worth failing over */
      }
    });
  }

  private onRebalance(err: LibrdKafkaError, assignment: TopicPartition[]): void {
    const code = typeof err === 'number' ? err : err?.code;
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    if (code === ErrorCode.ASSIGN_PARTITIONS) this.emit('rebalance', { kind: 'assign', partitions, lost: false });
    else if (code === ErrorCode.REVOKE_PARTITIONS) {
      this.emit('rebalance', {
        kind: 'revoke',
        partitions,
        // Closing: the member stopped and released everything already; `lost` no longer matters.
        lost: !this.closing && this.safe(() => this.extras.assignmentLost(), false),
      });
    } else this.emit('error', new Error(`unexpected rebalance event ${code}`));
  }

  private onLog(log: { severity: number; fac: string; message: string }): void {
    const reset = offsetResetOf(log.message);
    if (reset && reset !== 'first-start') this.emit('offset-reset', reset);
    else if (!reset && log.severity <= 3) {
      // "[thrd:10.0.0.1:9092/bootstrap]: 10.0.0.1:9092/bootstrap: Connect to …": the thread adds nothing.
      this.lastLogError = log.message.replace(/^\[thrd:[^\]]*\]:\s*/, '');
      this.emit('client-error-log', { fac: log.fac, message: log.message });
    }
  }

  /** Connects and fetches the cluster's metadata; the error names the brokers and librdkafka's last error. */
  connect(timeoutMs = 30_000): Promise<void> {
    const started = performance.now();
    return new Promise((resolve, reject) =>
      this.consumer.connect({ timeout: timeoutMs }, (err) =>
        err
          ? reject(
              new KafkaConnectionError(
                this.brokers,
                this.groupId,
                performance.now() - started,
                err.message,
                this.lastError,
              ),
            )
          : resolve(),
      ),
    );
  }

  /** What librdkafka last reported as an error (e.g. why a broker cannot be reached). */
  get lastError(): string | undefined {
    return this.lastLogError ?? this.lastEventError;
  }

  /**
   * Partition count of every topic the cluster lists (Metadata for all topics, on a worker
   * thread). Asking for all topics rather than by name is what guarantees this never creates a
   * topic: brokers auto-create only topics a request names (the embedded broker too).
   */
  topicPartitionCounts(timeoutMs = 10_000): Promise<Map<string, number>> {
    return new Promise((resolve, reject) =>
      this.consumer.getMetadata({ allTopics: true, timeout: timeoutMs }, (err, metadata) =>
        err ? reject(err) : resolve(new Map(metadata.topics.map((t) => [t.name, t.partitions.length] as const))),
      ),
    );
  }

  /**
   * Subscribes and sets how `consume(n)` waits: at most `consumeTimeoutMs` for the first message of
   * a batch, then it returns what is already there (a batch never waits to fill up).
   */
  subscribe(topics: string[], consumeTimeoutMs: number): void {
    this.consumeTimeoutMs = consumeTimeoutMs;
    this.consumer.setDefaultConsumeTimeout(consumeTimeoutMs);
    this.extras.setDefaultIsTimeoutOnlyForFirstMessage?.(true);
    this.consumer.subscribe(topics);
  }

  /** Waits up to `waitMs` (default: `subscribe`'s timeout, which the binding reads per call) for messages. */
  consume(max: number, waitMs = this.consumeTimeoutMs): Promise<RawMessage[]> {
    this.consumer.setDefaultConsumeTimeout(waitMs);
    const batch = new Promise<RawMessage[]>((resolve, reject) =>
      this.consumer.consume(max, (err, messages) => (err ? reject(err) : resolve(messages))),
    );
    this.consumer.setDefaultConsumeTimeout(this.consumeTimeoutMs);
    return batch;
  }

  /** Pauses fetching; partitions no longer assigned (a racing rebalance) are reported, not thrown. */
  pause(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.tolerate('pause', () => this.consumer.pause(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length === 0) return;
    this.tolerate('resume', () => this.consumer.resume(partitions));
    if (!this.closing) this.fetcherWake.wake(partitions);
  }

  private tolerate(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.emit(
        'error',
        Object.assign(new Error(`${what} failed: ${(err as Error).message}`), {
          code: (err as { code?: number }).code,
        }),
      );
    }
  }

  /**
   * Commits `offsets` and resolves with the coordinator's answer, or with a `timeout` reply after
   * `timeoutMs` (an answer that comes later goes to `onLateReply`). Never blocks the thread.
   */
  commit(offsets: CommitOffset[], timeoutMs: number, onLateReply?: (reply: CommitReply) => void): Promise<CommitReply> {
    return this.commits.commit(offsets, { timeoutMs, onLateReply });
  }

  /**
   * Completes a rebalance: incremental under cooperative, whole under eager. An incremental one
   * ends librdkafka's pause of the whole assignment during the rebalance callback; its resume does
   * not wake the broker threads either (see FetcherWake), so the partitions that stay are woken.
   */
  assign(partitions: TopicPartition[]): void {
    if (!this.isCooperative()) {
      this.consumer.assign(partitions);
      return;
    }
    this.extras.incrementalAssign(partitions);
    this.wakeAssigned();
  }

  unassign(partitions: TopicPartition[]): void {
    if (!this.isCooperative()) {
      this.consumer.unassign();
      return;
    }
    this.extras.incrementalUnassign(partitions);
    this.wakeAssigned();
  }

  private wakeAssigned(): void {
    if (this.closing) return;
    const assigned = this.consumer.assignments();
    if (assigned.length > 0) this.fetcherWake.wake(assigned);
  }

  private isCooperative(): boolean {
    // Under KIP-848 librdkafka answers NONE until the first subscription took effect and while it
    // closes; an eager assign() then fails with "Erroneous state".
    if (this.alwaysIncremental) return true;
    return this.safe(() => this.extras.rebalanceProtocol(), 'NONE') === 'COOPERATIVE';
  }

  readonly binding = (): KafkaConsumer => this.consumer; // for sendOffsetsToTransaction (KIP-447)

  isConnected(): boolean {
    return this.consumer.isConnected();
  }

  /** The group's committed offsets (OffsetFetch), asked on a worker thread. */
  committed(partitions: TopicPartition[], timeoutMs = 10_000): Promise<CommitOffset[]> {
    return new Promise((resolve, reject) =>
      this.consumer.committed(partitions, timeoutMs, (err, result) => (err ? reject(err) : resolve(result))),
    );
  }

  /**
   * Leaves the group and closes the consumer. librdkafka's close runs on a worker thread; it waits
   * for the coordinator (LeaveGroup), so the wait here is bounded by `timeoutMs` and reported.
   */
  async disconnect(timeoutMs = 10_000): Promise<'closed' | 'timeout'> {
    if (!this.consumer.isConnected()) return 'closed';
    this.closing = true;
    const closed = new Promise<'closed'>((resolve) => this.consumer.disconnect(() => resolve('closed')));
    this.closed = closed.then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      closed,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.commits.abandonAll('the consumer closed before the commit was answered');
    return outcome;
  }

  /** Resolves once the native consumer has closed, maybe after `disconnect()` stopped waiting for it. */
  whenClosed(): Promise<void> {
    return this.closed;
  }

  private get extras(): BindingExtras {
    return this.consumer as unknown as BindingExtras;
  }

  private safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }
}
