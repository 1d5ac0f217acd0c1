import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import { partitionCount } from './offsets.js';
import { waitUntil } from './wait-until.js';

/**
 * Reads a topic from the beginning by direct assignment (no group, nothing committed) until
 * `expected` messages arrived (of those `accept` keeps, when given), and returns them. Times out
 * with a message saying how many came.
 */
export async function readTopic(
  bootstrapServers: string,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
  accept: (message: Message) => boolean = () => true,
): Promise<Message[]> {
  // The topic may not exist yet (a DLQ is created by its first write): wait for it.
  const partitions = await waitUntil(() => partitionCount(bootstrapServers, topic), {
    timeoutMs,
    intervalMs: 200,
    message: `topic ${topic} to exist`,
  });
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': 'tributary-testing-reader',
      'enable.auto.commit': false,
      log_level: 3,
    } as never,
    {},
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({}, (err) => (err ? reject(new Error(`reader connect: ${err.message}`)) : resolve())),
  );
  consumer.setDefaultConsumeTimeout(100);
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
  const messages: Message[] = [];
  const deadline = performance.now() + timeoutMs;
  try {
    while (messages.length < expected) {
      if (performance.now() > deadline) {
        throw new Error(`readTopic(${topic}): got ${messages.length} of ${expected} messages in ${timeoutMs} ms`);
      }
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(1000, (err, batch) => (err ? reject(err) : resolve(batch))),
      );
      messages.push(...batch.filter(accept));
    }
    return messages;
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
