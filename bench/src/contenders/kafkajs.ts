import { Kafka, logLevel } from 'kafkajs';
import { type ConsumerSpec, type HandleFn, type RunningConsumer, signal } from './types.js';

/**
 * The `kafkajs` package (pure JavaScript protocol client): `eachMessage` with every partition
 * consumed concurrently; commits are KafkaJS's own (auto-commit, counted by its instrumentation).
 */
export async function startKafkaJs(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  const kafka = new Kafka({
    clientId: 'bench-kafkajs',
    brokers: spec.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: spec.groupId,
    ...(spec.maxWaitMs === undefined ? {} : { maxWaitTimeInMs: spec.maxWaitMs }),
  });
  const assigned = signal();
  let commits = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => assigned.resolve());
  consumer.on(consumer.events.COMMIT_OFFSETS, () => {
    commits += 1;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: spec.partitions,
    eachMessage: async ({ partition, message }) => {
      await handle(partition, Number(message.offset), message.value);
    },
  });
  return { assigned: assigned.promise, commits: () => commits, stop: () => consumer.disconnect() };
}
