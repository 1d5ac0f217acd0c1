import { KafkaConsumer, type TopicPartitionOffset } from '@confluentinc/kafka-javascript';

/** Runs `fn` with a connected, unsubscribed consumer of `groupId`, then disconnects it. */
export async function withConsumer<T>(
  bootstrapServers: string,
  groupId: string,
  fn: (consumer: KafkaConsumer) => Promise<T>,
): Promise<T> {
  const consumer = new KafkaConsumer(
    { 'bootstrap.servers': bootstrapServers, 'group.id': groupId, 'enable.auto.commit': false, log_level: 3 } as never,
    {},
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({}, (err) => (err ? reject(new Error(`consumer connect: ${err.message}`)) : resolve())),
  );
  try {
    return await fn(consumer);
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

export async function partitionCount(bootstrapServers: string, topic: string): Promise<number> {
  return withConsumer(
    bootstrapServers,
    'tributary-testing-metadata',
    (consumer) =>
      new Promise<number>((resolve, reject) =>
        consumer.getMetadata({ topic, timeout: 10_000 }, (err, metadata) => {
          if (err) return reject(new Error(`metadata of ${topic}: ${err.message}`));
          const found = metadata.topics.find((t) => t.name === topic);
          if (!found || found.partitions.length === 0) return reject(new Error(`topic ${topic} not found`));
          resolve(found.partitions.length);
        }),
      ),
  );
}

/** Log-end offset (high watermark) per partition. */
export async function endOffsets(bootstrapServers: string, topic: string, partitions: number): Promise<number[]> {
  return withConsumer(bootstrapServers, 'tributary-testing-watermarks', (consumer) =>
    Promise.all(
      Array.from(
        { length: partitions },
        (_, partition) =>
          new Promise<number>((resolve, reject) =>
            consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, offsets) =>
              err
                ? reject(new Error(`watermarks of ${topic}/${partition}: ${err.message}`))
                : resolve(offsets.highOffset),
            ),
          ),
      ),
    ),
  );
}

/** Committed offset of `groupId` per partition; -1001 (RD_KAFKA_OFFSET_INVALID) where none. */
export async function committedOffsets(
  bootstrapServers: string,
  groupId: string,
  topic: string,
  partitions: number,
): Promise<number[]> {
  return withConsumer(
    bootstrapServers,
    groupId,
    (consumer) =>
      new Promise<number[]>((resolve, reject) =>
        consumer.committed(
          Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
          10_000,
          (err, result: TopicPartitionOffset[]) => {
            if (err) return reject(new Error(`committed offsets of ${groupId}: ${err.message}`));
            const byPartition = new Array<number>(partitions).fill(-1001);
            for (const tp of result)
              byPartition[tp.partition] = typeof tp.offset === 'number' && tp.offset >= 0 ? tp.offset : -1001;
            resolve(byPartition);
          },
        ),
      ),
  );
}
