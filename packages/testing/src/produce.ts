import { Producer } from '@confluentinc/kafka-javascript';
import { produceWhenRoom } from '@tributary/core';

export interface TestMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  headers?: Record<string, string | Buffer>[];
}

export interface ProduceOptions {
  /** Builds message `i` (0-based). Default: key `key-${i % 100}`, JSON value `{ seq: i }`. */
  message?: (i: number) => TestMessage;
  /** Extra librdkafka producer properties. */
  rdkafka?: Record<string, string | number | boolean>;
}

/**
 * Produces `count` messages and resolves once every one is acknowledged by the broker
 * (delivery reports counted, not just flushed), rejecting on the first delivery error.
 */
export async function produceMessages(
  bootstrapServers: string,
  topic: string,
  count: number,
  options: ProduceOptions = {},
): Promise<void> {
  const build: (i: number) => TestMessage =
    options.message ?? ((i) => ({ key: `key-${i % 100}`, value: JSON.stringify({ seq: i }) }));
  const producer = new Producer({
    'bootstrap.servers': bootstrapServers,
    dr_cb: true,
    'linger.ms': 5,
    'batch.size': 1_000_000,
    'enable.idempotence': true,
    log_level: 3,
    ...options.rdkafka,
  } as never);
  await new Promise<void>((resolve, reject) =>
    producer.connect({}, (err) => (err ? reject(new Error(`producer connect: ${err.message}`)) : resolve())),
  );
  producer.setPollInterval(10);
  let delivered = 0;
  let failure: Error | undefined;
  const done = new Promise<void>((resolve, reject) => {
    producer.on('delivery-report', (err) => {
      if (err) {
        failure ??= new Error(`delivery failed: ${err.message}`);
        reject(failure);
        return;
      }
      delivered += 1;
      if (delivered === count) resolve();
    });
  });
  try {
    for (let i = 0; i < count && !failure; i++) {
      const m = build(i);
      const value = m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value);
      await produceWhenRoom(() =>
        producer.produce(topic, m.partition ?? null, value, m.key, Date.now(), undefined, m.headers),
      );
    }
    if (count > 0) await done;
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
}
