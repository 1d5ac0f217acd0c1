/**
 * The only code that talks to the binding's KafkaConsumer. It never runs user code: it turns the
 * binding's callbacks into plain events and its callback API into promises.
 */

import { EventEmitter } from 'node:events';
import { KafkaConsumer, type LibrdKafkaError, type Message as RawMessage } from '@confluentinc/kafka-javascript';
import { TributaryConfigError } from '../errors.js';
import type { CommitOffset, TopicPartition } from '../offsets/offset-tracker.js';

const ERR_ASSIGN_PARTITIONS = -175;
const ERR_REVOKE_PARTITIONS = -174;
/** ListOffsets "latest" (`offsetsForTimes` takes the timestamp in the offset field). */
const OFFSET_END = -1;
const WAKE_TIMEOUT_MS = 5_000;

export interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  partitions: TopicPartition[];
  /** Revocation because the session was lost: we may no longer commit for these. */
  lost: boolean;
}

export interface ConnectionEvents {
  rebalance: [RebalanceEvent];
  'commit.result': [error: LibrdKafkaError | undefined, offsets: CommitOffset[]];
  error: [Error];
  log: [{ severity: number; fac: string; message: string }];
  stats: [Record<string, unknown>];
}

export type RdkafkaConfig = Record<string, string | number | boolean | Function>;

/** Methods the binding has but its type declarations omit. */
interface CooperativeConsumer {
  incrementalAssign(partitions: TopicPartition[]): void;
  incrementalUnassign(partitions: TopicPartition[]): void;
  rebalanceProtocol(): 'COOPERATIVE' | 'EAGER' | 'NONE';
  assignmentLost(): boolean;
}

export class ConsumerConnection extends EventEmitter<ConnectionEvents> {
  private readonly consumer: KafkaConsumer;
  /** KIP-848 (`group.protocol: consumer`): every rebalance is incremental, whatever librdkafka reports. */
  private readonly alwaysIncremental: boolean;

  constructor(config: RdkafkaConfig, topicConfig: RdkafkaConfig) {
    super();
    this.alwaysIncremental = config['group.protocol'] === 'consumer';
    try {
      this.consumer = new KafkaConsumer(
        {
          ...config,
          rebalance_cb: (err: LibrdKafkaError, assignment: TopicPartition[]) => this.onRebalance(err, assignment),
          offset_commit_cb: (err: LibrdKafkaError | undefined, offsets: CommitOffset[]) =>
            this.emit(
              'commit.result',
              err ?? undefined,
              offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
            ),
          event_cb: true,
        } as never,
        topicConfig as never,
      );
    } catch (err) {
      throw asConfigError(err as Error);
    }
    this.consumer.on('event.error', (err) => this.emit('error', Object.assign(new Error(err.message), err)));
    this.consumer.on('event.log', (log) => this.emit('log', log));
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
    if (code === ERR_ASSIGN_PARTITIONS) this.emit('rebalance', { kind: 'assign', partitions, lost: false });
    else if (code === ERR_REVOKE_PARTITIONS) {
      this.emit('rebalance', {
        kind: 'revoke',
        partitions,
        lost: this.safe(() => this.cooperative.assignmentLost(), false),
      });
    } else this.emit('error', new Error(`unexpected rebalance event ${code}`));
  }

  connect(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.consumer.connect({ timeout: timeoutMs }, (err) =>
        err ? reject(new Error(`cannot connect to Kafka: ${err.message}`)) : resolve(),
      ),
    );
  }

  subscribe(topics: string[]): void {
    this.consumer.subscribe(topics);
  }

  /** Waits up to the consume timeout for messages; returns at most `max`. */
  consume(max: number): Promise<RawMessage[]> {
    return new Promise((resolve, reject) =>
      this.consumer.consume(max, (err, messages) => (err ? reject(err) : resolve(messages))),
    );
  }

  setConsumeTimeout(ms: number): void {
    this.consumer.setDefaultConsumeTimeout(ms);
  }

  /** Pauses fetching; partitions no longer assigned (a racing rebalance) are reported, not thrown. */
  pause(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.tolerate('pause', () => this.consumer.pause(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length === 0) return;
    this.tolerate('resume', () => this.consumer.resume(partitions));
    this.wakeFetchers(partitions);
  }

  /**
   * librdkafka (2.15) resumes a partition on its main thread without waking the broker thread that
   * fetches it; with every partition of that broker paused, the thread sleeps up to 1 s before it
   * sees the resume (its longest block), so a consumer that paused everything for backpressure
   * stood still ~0.8 s per resume (measured: 800 ms → 10 ms with this). Any request to the leaders
   * wakes them: a ListOffsets for the latest offsets, one per leader broker, whose answer is unused.
   */
  private wakeFetchers(partitions: TopicPartition[]): void {
    const latest = partitions.map(({ topic, partition }) => ({ topic, partition, offset: OFFSET_END }));
    this.tolerate('wake fetchers', () => this.consumer.offsetsForTimes(latest, WAKE_TIMEOUT_MS, () => {}));
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

  /** Asynchronous commit; the outcome arrives as a `commit.result` event. */
  commitAsync(offsets: CommitOffset[]): void {
    this.consumer.commit(offsets);
  }

  /** Synchronous commit: returns once the broker acknowledged, throws otherwise. */
  commitSync(offsets: CommitOffset[]): void {
    this.consumer.commitSync(offsets);
  }

  /** Completes a rebalance: incremental under cooperative, whole under eager. */
  assign(partitions: Array<TopicPartition & { offset?: number }>): void {
    if (this.isCooperative()) this.cooperative.incrementalAssign(partitions);
    else this.consumer.assign(partitions);
  }

  unassign(partitions: TopicPartition[]): void {
    if (this.isCooperative()) this.cooperative.incrementalUnassign(partitions);
    else this.consumer.unassign();
  }

  isCooperative(): boolean {
    // Under KIP-848 librdkafka answers NONE until the first subscription took effect and while it
    // closes; an eager assign() then fails with "Erroneous state".
    if (this.alwaysIncremental) return true;
    return this.safe(() => this.cooperative.rebalanceProtocol(), 'NONE') === 'COOPERATIVE';
  }

  /** KIP-848 (`group.protocol: consumer`) rather than the classic rebalance protocols. */
  usesConsumerProtocol(): boolean {
    return this.alwaysIncremental;
  }

  isConnected(): boolean {
    return this.consumer.isConnected();
  }

  committed(partitions: TopicPartition[], timeoutMs = 10_000): Promise<CommitOffset[]> {
    return new Promise((resolve, reject) =>
      this.consumer.committed(partitions, timeoutMs, (err, result) => (err ? reject(err) : resolve(result))),
    );
  }

  /** Moves an assigned partition's fetch position to `offset`. */
  seek(position: CommitOffset, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.consumer.seek(position, timeoutMs, (err) => (err ? reject(err) : resolve())),
    );
  }

  disconnect(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.consumer.isConnected()) return resolve();
      this.consumer.disconnect(() => resolve());
    });
  }

  private get cooperative(): CooperativeConsumer {
    return this.consumer as unknown as CooperativeConsumer;
  }

  private safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }
}

/**
 * librdkafka rejects unknown or invalid properties when the client is created (that is, at
 * bootstrap): turn its message into the typed error that names the key.
 */
function asConfigError(error: Error): Error {
  const match = /property:?\s*"([^"]+)"/i.exec(error.message);
  return match ? new TributaryConfigError(`rdkafka["${match[1]}"]`, error.message) : error;
}
