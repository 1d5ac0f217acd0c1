/**
 * For the connection's own tests: an embedded broker and a producer that waits for every
 * acknowledgement. (The cross-package helpers live in @tributary/testing, which builds on the core.)
 */
import { Producer } from '@confluentinc/kafka-javascript';

export { startBroker } from '@tributary/broker';

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function produce(
  bootstrapServers: string,
  topic: string,
  count: number,
  partitions: number,
): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers, dr_cb: true, 'linger.ms': 5 } as never);
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(10);
  let delivered = 0;
  const done = new Promise<void>((resolve, reject) =>
    producer.on('delivery-report', (err) => {
      if (err) reject(new Error(`delivery failed: ${err.message}`));
      else if (++delivered === count) resolve();
    }),
  );
  for (let i = 0; i < count; i++) {
    for (;;) {
      try {
        producer.produce(topic, i % partitions, Buffer.from(JSON.stringify({ seq: i })), `key-${i % 100}`);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5)); // queue full: let deliveries drain
      }
    }
  }
  await done;
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
}

export async function until(ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
