import { KafkaJS } from '@confluentinc/kafka-javascript';
import { type ConsumerSpec, type HandleFn, type RunningConsumer, signal } from './types.js';

/**
 * `@confluentinc/kafka-javascript`'s KafkaJS-compatible API (librdkafka underneath): `eachMessage`,
 * or `eachBatch` when `batch` is set, with every partition consumed concurrently. Its commits are
 * librdkafka's auto-commit, which it does not report: they are not counted.
 */
export async function startCkjsKafkaJs(spec: ConsumerSpec, handle: HandleFn, batch = false): Promise<RunningConsumer> {
  const kafka = new KafkaJS.Kafka({
    kafkaJS: { brokers: spec.bootstrap.split(','), logLevel: KafkaJS.logLevel.NOTHING },
  });
  const assigned = signal();
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId: spec.groupId,
      fromBeginning: true,
      ...(spec.maxWaitMs === undefined ? {} : { maxWaitTimeInMs: spec.maxWaitMs }),
    },
    rebalance_cb: (err: { code: number }) => {
      if (err.code === -175) assigned.resolve();
    },
    ...spec.rdkafka,
  } as never);
  await consumer.connect();
  await consumer.subscribe({ topics: [spec.topic] });
  if (batch) {
    await consumer.run({
      partitionsConsumedConcurrently: spec.partitions,
      eachBatch: async ({ batch: b }) => {
        for (const message of b.messages) {
          const result = handle(b.partition, Number(message.offset), message.value);
          if (result) await result;
        }
      },
    });
  } else {
    await consumer.run({
      partitionsConsumedConcurrently: spec.partitions,
      eachMessage: async ({ partition, message }) => {
        await handle(partition, Number(message.offset), message.value);
      },
    });
  }
  return { assigned: assigned.promise, commits: () => undefined, stop: () => consumer.disconnect() };
}
