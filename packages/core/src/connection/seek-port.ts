import type { KafkaConsumer } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '../model/topic-partition.js';

/**
 * Moving and reading a partition's position without blocking the thread: the binding runs
 * `seek`, `offsetsForTimes` and `queryWatermarkOffsets` on its worker threads when given a callback.
 */
export class SeekPort {
  constructor(private readonly consumer: () => KafkaConsumer) {}

  /** Sets the fetch position of an assigned partition (librdkafka drops what it fetched before). */
  seek(tp: TopicPartition, offset: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.consumer().seek({ ...tp, offset }, timeoutMs, (err) =>
        err ? reject(new Error(`seek ${tp.topic}/${tp.partition} to ${offset}: ${err.message}`)) : resolve(),
      ),
    );
  }

  /** The first offset whose timestamp is at or after `timestamp`, or the end offset when none is. */
  async offsetForTime(tp: TopicPartition, timestamp: number, timeoutMs: number): Promise<number> {
    const [found] = await new Promise<Array<{ offset: number }>>((resolve, reject) =>
      this.consumer().offsetsForTimes([{ ...tp, offset: timestamp }], timeoutMs, (err, offsets) =>
        err ? reject(new Error(`offsetsForTimes ${tp.topic}/${tp.partition}: ${err.message}`)) : resolve(offsets),
      ),
    );
    if (found && found.offset >= 0) return found.offset;
    return (await this.watermarks(tp, timeoutMs)).high;
  }

  watermarks(tp: TopicPartition, timeoutMs: number): Promise<{ low: number; high: number }> {
    return new Promise((resolve, reject) =>
      this.consumer().queryWatermarkOffsets(tp.topic, tp.partition, timeoutMs, (err, offsets) =>
        err
          ? reject(new Error(`watermarks of ${tp.topic}/${tp.partition}: ${err.message}`))
          : resolve({ low: offsets.lowOffset, high: offsets.highOffset }),
      ),
    );
  }
}
