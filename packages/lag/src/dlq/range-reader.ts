import { KafkaConsumer, type Message, type TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import { KafkaIoError } from './kafka-io-error.js';

/** Where to read one partition: from `from` up to `until` (exclusive), or on and on without `until`. */
export interface PartitionRange {
  partition: number;
  from: number;
  until?: number;
}

/**
 * Reads a topic by assignment: it joins no consumer group and commits nothing (auto-commit and
 * offset store off), so reading never moves anyone's offsets. The group id is required by the
 * binding and never used on the broker.
 */
export class RangeReader {
  private constructor(private readonly consumer: KafkaConsumer) {}

  static async connect(brokers: string, timeoutMs: number): Promise<RangeReader> {
    const consumer = new KafkaConsumer(
      {
        'bootstrap.servers': brokers,
        'group.id': 'tributary-cli-reader',
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'fetch.wait.max.ms': 100,
        'socket.timeout.ms': timeoutMs,
        log_level: 0,
      } as never,
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) =>
      consumer.connect({ timeout: timeoutMs }, (err) =>
        err ? reject(new KafkaIoError(`cannot reach brokers ${brokers}: ${err.message}`, 'unreachable')) : resolve(),
      ),
    );
    consumer.setDefaultConsumeTimeout(200);
    return new RangeReader(consumer);
  }

  /**
   * Batches of messages of `topic` in each range, in offset order per partition. It ends when every
   * range with an end is read (ranges without one keep it going), or when `stop` is aborted.
   */
  async *read(
    topic: string,
    ranges: PartitionRange[],
    options: { stop?: AbortSignal; batchSize?: number } = {},
  ): AsyncGenerator<Message[]> {
    const open = new Map(ranges.filter((r) => r.until === undefined || r.from < r.until).map((r) => [r.partition, r]));
    if (open.size === 0) return;
    this.consumer.assign([...open.values()].map((r) => ({ topic, partition: r.partition, offset: r.from })));
    try {
      while (open.size > 0 && !options.stop?.aborted) {
        const batch = await new Promise<Message[]>((resolve, reject) =>
          this.consumer.consume(options.batchSize ?? 500, (err, messages) =>
            err ? reject(new KafkaIoError(`reading ${topic}: ${err.message}`, 'read')) : resolve(messages),
          ),
        );
        const kept = batch.filter((m) => {
          const range = open.get(m.partition);
          return range !== undefined && (range.until === undefined || m.offset < range.until);
        });
        for (const m of kept) {
          const until = open.get(m.partition)?.until;
          if (until !== undefined && m.offset >= until - 1) open.delete(m.partition);
        }
        // A partition can end on an offset no message has (compaction, transaction markers): its
        // position has passed the end although its last message never came.
        if (batch.length === 0) this.dropPassed(topic, open);
        if (kept.length > 0) yield kept;
      }
    } finally {
      this.consumer.unassign();
    }
  }

  private dropPassed(topic: string, open: Map<number, PartitionRange>): void {
    const positions: TopicPartitionOffset[] = this.consumer.position(
      [...open.keys()].map((partition) => ({ topic, partition })),
    );
    for (const { partition, offset } of positions) {
      const until = open.get(partition)?.until;
      if (until !== undefined && offset >= until) open.delete(partition);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.consumer.disconnect(() => resolve()));
  }
}
