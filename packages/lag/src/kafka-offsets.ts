import {
  KafkaConsumer,
  type Metadata,
  type TopicPartitionOffset,
  type WatermarkOffsets,
} from '@confluentinc/kafka-javascript';
import { describeGroup } from './group-description.js';

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
  private constructor(
    private readonly consumer: KafkaConsumer,
    private readonly brokers: string,
    private readonly timeoutMs: number,
  ) {}

  static async connect(brokers: string, group: string, timeoutMs = 5_000): Promise<OffsetReader> {
    const consumer = new KafkaConsumer(
      {
        'bootstrap.servers': brokers,
        'group.id': group,
        'enable.auto.commit': false,
        'socket.timeout.ms': timeoutMs,
        log_level: 0,
      } as never,
      {},
    );
    await call(`cannot reach brokers ${brokers}`, timeoutMs, (cb) =>
      consumer.connect({ timeout: timeoutMs }, (err) => cb(err, undefined)),
    ).catch((err: LagError) => {
      consumer.disconnect();
      throw new LagError(err.message, 'unreachable');
    });
    return new OffsetReader(consumer, brokers, timeoutMs);
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
    const list = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    const result = await call<TopicPartitionOffset[]>(`committed offsets of ${topic}`, this.timeoutMs, (cb) =>
      this.consumer.committed(list, this.timeoutMs, (err, offsets) => cb(err, offsets)),
    );
    const byPartition = new Array<number | null>(partitions).fill(null);
    for (const tp of result) byPartition[tp.partition] = tp.offset >= 0 ? tp.offset : null;
    return byPartition;
  }

  async endOffsets(topic: string, partitions: number): Promise<number[]> {
    return (await this.watermarks(topic, partitions)).map((w) => w.high);
  }

  /** Start (low) and end (high) offset of each partition: it holds `high − low` messages. */
  async watermarks(topic: string, partitions: number): Promise<Array<{ low: number; high: number }>> {
    return Promise.all(
      Array.from({ length: partitions }, (_, partition) =>
        call<WatermarkOffsets>(`offsets of ${topic}/${partition}`, this.timeoutMs, (cb) =>
          this.consumer.queryWatermarkOffsets(topic, partition, this.timeoutMs, (err, w) => cb(err, w)),
        ).then((w) => ({ low: w.lowOffset, high: w.highOffset })),
      ),
    );
  }

  /**
   * Who owns which partition, from DescribeGroups (see group-description.ts). Brokers without it
   * give an empty map: columns show `-`.
   */
  async members(group: string): Promise<Map<string, MemberInfo>> {
    const description = await describeGroup(this.brokers, group, Math.min(this.timeoutMs, 3_000));
    const owners = new Map<string, MemberInfo>();
    for (const member of description?.members ?? [])
      for (const tp of member.assigned)
        owners.set(tp, { consumerId: member.memberId, host: member.host, clientId: member.clientId });
    return owners;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.consumer.disconnect(() => resolve()));
  }
}
