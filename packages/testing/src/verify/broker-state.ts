import type { TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import { withConsumer } from '../offsets.js';

export interface PartitionOffsets {
  /** Oldest offset still stored (retention deleted everything below it). */
  low: number;
  /** Log-end offset. */
  high: number;
  /** The group's committed offset; -1 when it has none. */
  committed: number;
}

/**
 * The broker's view of one topic for one group: watermarks and committed offsets per partition,
 * read with a group-less consumer (it never joins the group it asks about).
 */
export async function topicOffsets(
  bootstrapServers: string,
  groupId: string,
  topic: string,
  partitions: number,
): Promise<PartitionOffsets[]> {
  return withConsumer(bootstrapServers, groupId, async (consumer) => {
    const watermarks = await Promise.all(
      Array.from(
        { length: partitions },
        (_, partition) =>
          new Promise<{ low: number; high: number }>((resolve, reject) =>
            consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, o) =>
              err
                ? reject(new Error(`watermarks of ${topic}/${partition}: ${err.message}`))
                : resolve({ low: o.lowOffset, high: o.highOffset }),
            ),
          ),
      ),
    );
    const committed = await new Promise<number[]>((resolve, reject) =>
      consumer.committed(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
        10_000,
        (err, result: TopicPartitionOffset[]) => {
          if (err) return reject(new Error(`committed offsets of ${groupId}: ${err.message}`));
          const byPartition = new Array<number>(partitions).fill(-1);
          for (const tp of result)
            byPartition[tp.partition] = typeof tp.offset === 'number' && tp.offset >= 0 ? tp.offset : -1;
          resolve(byPartition);
        },
      ),
    );
    return watermarks.map((w, p) => ({ ...w, committed: committed[p] as number }));
  });
}

/** Messages between the committed offset and the log end, summed (no commit counts from the log start). */
export function lagOf(offsets: PartitionOffsets[]): number {
  return offsets.reduce((sum, o) => sum + (o.high - Math.max(o.committed, o.low)), 0);
}
