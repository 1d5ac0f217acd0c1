import { produceMessages } from '@tributary/testing';
import { backlogValue, encodeValue, keyOf, partitionOf } from '../payload.js';

/**
 * Pre-produces a backlog in large batches: the embedded broker returns one record batch per
 * partition per fetch, so small batches would measure fetch round trips instead of the consumers.
 * Each key stays in one partition (`partitionOf`), every partition gets the same share.
 */
export async function produceBacklog(
  bootstrap: string,
  topic: string,
  count: number,
  shape: { keys: number; partitions: number; valueBytes: number },
): Promise<void> {
  await produceMessages(bootstrap, topic, count, {
    message: (i) => ({
      key: keyOf(i, shape.keys),
      value: shape.valueBytes < 64 ? backlogValue(i, shape.valueBytes) : encodeValue(i, shape.valueBytes),
      partition: partitionOf(i, shape.keys, shape.partitions),
    }),
    rdkafka: {
      'linger.ms': 200,
      'batch.size': 1_000_000,
      'batch.num.messages': 1_000_000,
      'queue.buffering.max.messages': 2_000_000,
      'queue.buffering.max.kbytes': 2_000_000,
      'compression.type': 'none',
    },
  });
}

const produced = new Set<string>();

/** Creates and fills a backlog topic once per broker, whichever workload needs it first. */
export async function ensureBacklog(
  broker: { bootstrapServers: string; createTopic(t: { name: string; partitions: number }): Promise<void> },
  topic: string,
  count: number,
  shape: { keys: number; partitions: number; valueBytes: number },
): Promise<boolean> {
  const id = `${broker.bootstrapServers}/${topic}`;
  if (produced.has(id)) return false;
  await broker.createTopic({ name: topic, partitions: shape.partitions });
  await produceBacklog(broker.bootstrapServers, topic, count, shape);
  produced.add(id);
  return true;
}
