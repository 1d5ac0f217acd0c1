/**
 * A fetch returns as many record batches of a partition as fit in its limits, as Kafka's log read
 * does (`max.partition.fetch.bytes`, `fetch.max.bytes`); the stock mock returned one batch per
 * partition per fetch, so a consumer catching up on a log of small batches (a producer with a short
 * linger) paid a fetch round trip for every batch.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaConsumer, type LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { sleep } from './test-member.js';

const BATCHES = 100;
let broker: EmbeddedBroker;

before(async () => {
  broker = await startBroker({ topics: [{ name: 'small-batches', partitions: 1 }] });
});
after(() => broker.stop());

type Step = (cb: (err: LibrdKafkaError | null | undefined) => void) => void;
const step = (run: Step) => new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

test('a consumer catching up on 100 one-record batches reads them in a few fetches, not one fetch per batch', async () => {
  const producer = new Producer({
    'bootstrap.servers': broker.bootstrapServers,
    'linger.ms': 0,
    log_level: 0,
  } as never);
  await step((cb) => producer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  for (let i = 0; i < BATCHES; i++) {
    producer.produce('small-batches', 0, Buffer.from(`v${i}`), null);
    await step((cb) => producer.flush(5_000, cb)); // each flush sends its record as a batch of its own
  }
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));

  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': broker.bootstrapServers,
      'group.id': 'small-batches-reader',
      'enable.auto.commit': false,
      'statistics.interval.ms': 100,
      log_level: 0,
    } as never,
    {},
  );
  let fetches = 0; // Fetch requests sent to the brokers, from librdkafka's statistics
  consumer.on('event.stats', (stats: { message: string }) => {
    const brokers = (JSON.parse(stats.message) as { brokers: Record<string, { req?: { Fetch?: number } }> }).brokers;
    fetches = Object.values(brokers).reduce((sum, b) => sum + (b.req?.Fetch ?? 0), 0);
  });
  await step((cb) => consumer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  consumer.setDefaultConsumeTimeout(20);
  consumer.assign([{ topic: 'small-batches', partition: 0, offset: 0 }]);
  const values: string[] = [];
  const deadline = performance.now() + 15_000;
  while (values.length < BATCHES && performance.now() < deadline) {
    const batch = await new Promise<{ value?: Buffer | null }[]>((resolve, reject) =>
      consumer.consume(1000, (err, messages) => (err ? reject(err) : resolve(messages))),
    );
    for (const m of batch) values.push(String(m.value));
  }
  const fetchesWhenRead = fetches;
  await sleep(250); // a statistics report that covers the reads
  await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  assert.equal(values.length, BATCHES, 'every record arrived');
  assert.deepEqual(values.slice(0, 3), ['v0', 'v1', 'v2']);
  assert.ok(fetches > 0, 'the statistics counted the fetches');
  assert.ok(
    fetches <= 10,
    `${fetches} Fetch requests for ${BATCHES} batches (${fetchesWhenRead} reported when the last arrived)`,
  );
});
