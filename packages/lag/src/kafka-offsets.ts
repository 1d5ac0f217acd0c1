import {
  KafkaConsumer,
  type Metadata,
  type TopicPartitionOffset,
  type WatermarkOffsets,
} from '@confluentinc/kafka-javascript';
import { describeGroup, type GroupDescription } from './group-description.js';

/**
 * What went wrong, for callers that show it differently: the brokers did not answer (`unreachable`:
 * no connection; `broker`: a request failed or timed out), or they answered that the group or a
 * topic is not there.
 */
export type LagErrorKind = 'unreachable' | 'broker' | 'unknown-group' | 'unknown-topic';

/** Bad input or an unreachable cluster: the CLI prints it as one line and exits 2. */
export class LagError extends Error {
  override readonly name = 'LagError';

  constructor(
    message: string,
    readonly kind: LagErrorKind = 'broker',
  ) {
    super(message);
  }
}

export interface MemberInfo {
  consumerId: string;
  host: string;
  clientId: string;
}

export interface Watermarks {
  /** The first offset still in the log (earlier ones were deleted by retention). */
  low: number;
  /** The log-end offset: the offset the next message will get. */
  high: number;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  /** Kept with the offset by the coordinator (Kafka: at most offset.metadata.max.bytes, 4096). */
  metadata?: string;
}

export interface CommittedOffset {
  /** null where the group never committed. */
  offset: number | null;
  metadata?: string;
}

const call = <T>(
  what: string,
  timeoutMs: number,
  fn: (cb: (err: { message: string } | null | undefined, value: T) => void) => void,
) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LagError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs + 500);
    fn((err, value) => {
      clearTimeout(timer);
      if (err) reject(new LagError(`${what}: ${err.message}`));
      else resolve(value);
    });
  });

/**
 * Reads offsets for one group without joining it: a consumer that never subscribes asks the broker
 * for committed offsets (OffsetFetch) and watermarks (ListOffsets). Works on real Kafka and on the
 * embedded broker (whose admin offset APIs are missing).
 */
export class OffsetReader {
  /** The answer awaited by `commit()`: librdkafka reports it to offset_commit_cb. */
  private commitAnswer?: (err: { message: string } | undefined) => void;

  private constructor(
    private readonly consumer: KafkaConsumer,
    private readonly brokers: string,
    private readonly group: string,
    private readonly timeoutMs: number,
  ) {}

  static async connect(brokers: string, group: string, timeoutMs = 5_000): Promise<OffsetReader> {
    let reader: OffsetReader | undefined;
    const consumer = new KafkaConsumer(
      {
        'bootstrap.servers': brokers,
        'group.id': group,
        'enable.auto.commit': false,
        'socket.timeout.ms': timeoutMs,
        log_level: 0,
        offset_commit_cb: (err: { message: string } | null, offsets: Array<{ error?: { message: string } }>) =>
          reader?.commitAnswer?.(err ?? offsets.find((o) => o.error)?.error),
      } as never,
      {},
    );
    await call(`cannot reach brokers ${brokers}`, timeoutMs, (cb) =>
      consumer.connect({ timeout: timeoutMs }, (err) => cb(err, undefined)),
    ).catch((err: LagError) => {
      consumer.disconnect();
      throw new LagError(err.message, 'unreachable');
    });
    consumer.setDefaultConsumeTimeout(50);
    reader = new OffsetReader(consumer, brokers, group, timeoutMs);
    return reader;
  }

  /** Partition counts of the given topics, or of every non-internal topic. */
  async topics(only?: string[]): Promise<Map<string, number>> {
    const metadata = await call<Metadata>('metadata', this.timeoutMs, (cb) =>
      this.consumer.getMetadata({ timeout: this.timeoutMs }, (err, data) => cb(err, data)),
    );
    const result = new Map<string, number>();
    for (const t of metadata.topics) {
      if (t.name.startsWith('__')) continue;
      if (only && !only.includes(t.name)) continue;
      result.set(t.name, t.partitions.length);
    }
    for (const name of only ?? []) if (!result.has(name)) throw new LagError(`unknown topic ${name}`, 'unknown-topic');
    return result;
  }

  async committed(topic: string, partitions: number): Promise<Array<number | null>> {
    return (await this.committedWithMetadata(topic, partitions)).map((c) => c.offset);
  }

  /** The group's committed offset of each partition, with the metadata committed beside it. */
  async committedWithMetadata(topic: string, partitions: number): Promise<CommittedOffset[]> {
    const list = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    const result = await call<Array<TopicPartitionOffset & { metadata?: string | null }>>(
      `committed offsets of ${topic}`,
      this.timeoutMs,
      (cb) => this.consumer.committed(list, this.timeoutMs, (err, offsets) => cb(err, offsets)),
    );
    const byPartition: CommittedOffset[] = Array.from({ length: partitions }, () => ({ offset: null }));
    for (const tp of result)
      byPartition[tp.partition] = { offset: tp.offset >= 0 ? tp.offset : null, metadata: tp.metadata ?? undefined };
    return byPartition;
  }

  async endOffsets(topic: string, partitions: number): Promise<number[]> {
    return (await this.watermarks(topic, partitions)).map((w) => w.high);
  }

  /** Earliest and log-end offset of each partition (ListOffsets). */
  async watermarks(topic: string, partitions: number): Promise<Watermarks[]> {
    return Promise.all(
      Array.from({ length: partitions }, (_, partition) =>
        call<WatermarkOffsets>(`end offset of ${topic}/${partition}`, this.timeoutMs, (cb) =>
          this.consumer.queryWatermarkOffsets(topic, partition, this.timeoutMs, (err, w) => cb(err, w)),
        ).then((w) => ({ low: w.lowOffset, high: w.highOffset })),
      ),
    );
  }

  /**
   * Per partition, the first offset whose message timestamp is at or after `timestamp` (ListOffsets
   * by time), or null when no message is that recent (a reader would start at the end).
   */
  async offsetsForTime(topic: string, partitions: number, timestamp: number): Promise<Array<number | null>> {
    const list = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: timestamp }));
    const result = await call<TopicPartitionOffset[]>(`offsets of ${topic} at a time`, this.timeoutMs, (cb) =>
      this.consumer.offsetsForTimes(list, this.timeoutMs, (err, offsets) => cb(err, offsets)),
    );
    const byPartition = new Array<number | null>(partitions).fill(null);
    for (const tp of result) byPartition[tp.partition] = tp.offset >= 0 ? tp.offset : null;
    return byPartition;
  }

  /**
   * Commits `offsets` for this reader's group (OffsetCommit outside any generation, which the
   * coordinator accepts only while the group has no members) and resolves once it is answered.
   */
  async commit(offsets: OffsetToCommit[]): Promise<void> {
    if (this.commitAnswer) throw new LagError('one commit at a time');
    let answered = false;
    try {
      await call<void>(`commit offsets of group ${this.group}`, this.timeoutMs, (cb) => {
        this.commitAnswer = (err) => {
          answered = true;
          cb(err, undefined);
        };
        this.consumer.commit(offsets);
        // librdkafka delivers offset_commit_cb from the consumer's poll: with nothing assigned,
        // consume() only polls (every 50 ms here) until the answer came.
        const poll = () => {
          if (!answered) this.consumer.consume(1, () => setImmediate(poll));
        };
        poll();
      });
    } finally {
      answered = true;
      this.commitAnswer = undefined;
    }
  }

  /**
   * Who owns which partition ("topic/partition" → member), from DescribeGroups; brokers without it
   * give an empty map (columns show `-`).
   */
  async members(group: string): Promise<Map<string, MemberInfo>> {
    const owners = new Map<string, MemberInfo>();
    for (const member of (await this.describeGroup(group))?.members ?? [])
      for (const tp of member.assigned)
        owners.set(tp, { consumerId: member.memberId, host: member.host, clientId: member.clientId });
    return owners;
  }

  /** DescribeGroups (see group-description.ts); undefined when the broker cannot answer it. */
  describeGroup(group: string): Promise<GroupDescription | undefined> {
    return describeGroup(this.brokers, group, Math.min(this.timeoutMs, 3_000));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.consumer.disconnect(() => resolve()));
  }
}
