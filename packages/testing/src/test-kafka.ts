import { AdminClient } from '@confluentinc/kafka-javascript';
import { type BrokerOptions, type KafkaTarget, type TopicSpec, useKafka } from '@tributary/broker';

export interface TestKafka extends KafkaTarget {
  /** Creates a topic on whichever broker is in use (mock API or, on real Kafka, CreateTopics). */
  createTopic(topic: TopicSpec): Promise<void>;
}

/**
 * One broker per test suite: real Kafka when `KAFKA_BROKERS` is set, an embedded one otherwise.
 * Call `stop()` in the suite's `after` hook.
 */
export async function startTestKafka(options: BrokerOptions & { inProcess?: boolean } = {}): Promise<TestKafka> {
  const { topics = [], ...rest } = options;
  const target = await useKafka(rest);
  const createTopic = async (topic: TopicSpec) => {
    if (target.embedded) return target.embedded.createTopic(topic);
    const admin = AdminClient.create({ 'bootstrap.servers': target.bootstrapServers } as never);
    try {
      await new Promise<void>((resolve, reject) =>
        admin.createTopic(
          { topic: topic.name, num_partitions: topic.partitions, replication_factor: topic.replicationFactor ?? 1 },
          (err) => (err ? reject(new Error(`createTopic ${topic.name}: ${err.message}`)) : resolve()),
        ),
      );
    } finally {
      admin.disconnect();
    }
  };
  for (const topic of topics) await createTopic(topic);
  return { ...target, createTopic };
}
