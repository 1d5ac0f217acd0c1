/**
 * Transactions on the embedded broker with real clients (librdkafka through
 * @confluentinc/kafka-javascript): what an exactly-once consumer on Kafka relies on — offsets sent
 * to a transaction reach the group only when it commits, a new instance of a transactional.id
 * fences the old one and aborts its transaction, a transaction past its timeout is aborted, and a
 * read_committed reader sees neither open nor aborted records.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaConsumer, type LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { Member, sleep, until } from './test-member.js';

const IN = 'txn-in';
const OUT = 'txn-out';
let broker: EmbeddedBroker;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  broker = await startBroker({
    topics: [
      { name: IN, partitions: 2 },
      { name: OUT, partitions: 1 },
    ],
  });
});
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await broker.stop();
});

type Step = (cb: (err: LibrdKafkaError | null | undefined) => void) => void;
const step = (run: Step) => new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

async function transactionalProducer(id: string, extra: Record<string, number> = {}): Promise<Producer> {
  const producer = new Producer({
    'bootstrap.servers': broker.bootstrapServers,
    'transactional.id': id,
    log_level: 0,
    ...extra,
  } as never);
  await step((cb) => producer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  producer.setPollInterval(20);
  await step((cb) => producer.initTransactions(10_000, cb));
  closers.push(() => new Promise((resolve) => producer.disconnect(() => resolve())));
  return producer;
}

/** The values on OUT from the beginning as an `isolation` reader sees them within `forMs`. */
async function read(isolation: 'read_committed' | 'read_uncommitted', forMs = 1_500): Promise<string[]> {
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': broker.bootstrapServers,
      'group.id': `reader-${Math.random()}`,
      'isolation.level': isolation,
      'enable.auto.commit': false,
      log_level: 0,
    } as never,
    {},
  );
  await step((cb) => consumer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  consumer.setDefaultConsumeTimeout(100);
  consumer.assign([{ topic: OUT, partition: 0, offset: 0 }]);
  const values: string[] = [];
  const deadline = performance.now() + forMs;
  while (performance.now() < deadline) {
    const batch = await new Promise<{ value?: Buffer | null }[]>((resolve, reject) =>
      consumer.consume(100, (err, messages) => (err ? reject(err) : resolve(messages))),
    );
    for (const m of batch) values.push(String(m.value));
  }
  await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  return values;
}

const produce = (producer: Producer, value: string) => producer.produce(OUT, 0, Buffer.from(value), null);
const flush = (producer: Producer) => step((cb) => producer.flush(5_000, cb));

test('offsets sent to a transaction become the group committed offsets when it commits; an abort drops them', async () => {
  const member = await new Member('eos', {
    bootstrapServers: broker.bootstrapServers,
    topic: IN,
    groupId: 'eos-offsets',
    strategy: 'range',
  }).start();
  closers.push(() => member.close());
  await until('the member owns its partitions', () => member.owned.size === 2, 15_000);
  const producer = await transactionalProducer('eos-offsets-1');

  await step((cb) => producer.beginTransaction(cb));
  produce(producer, 'committed-1');
  await step((cb) =>
    producer.sendOffsetsToTransaction([{ topic: IN, partition: 0, offset: 7 }], member.consumer, 10_000, cb),
  );
  await step((cb) => producer.commitTransaction(10_000, cb));
  assert.equal(await member.committed(0), 7, 'committed with the transaction');

  await step((cb) => producer.beginTransaction(cb));
  produce(producer, 'aborted-1');
  await flush(producer); // written to the log, then aborted (an abort purges what was not sent)
  await step((cb) =>
    producer.sendOffsetsToTransaction([{ topic: IN, partition: 0, offset: 9 }], member.consumer, 10_000, cb),
  );
  await step((cb) => producer.abortTransaction(10_000, cb));
  assert.equal(await member.committed(0), 7, 'the aborted transaction left the committed offset alone');
  assert.ok((await member.committed(1)) < 0, 'nothing was committed for the other partition');

  const committed = await read('read_committed');
  assert.deepEqual(committed, ['committed-1'], 'read_committed sees the committed record only');
  assert.deepEqual((await read('read_uncommitted')).slice(0, 2), ['committed-1', 'aborted-1']);
});

test('a new instance of a transactional.id fences the old one and aborts its open transaction', async () => {
  const before = (await read('read_committed')).length;
  const zombie = await transactionalProducer('eos-fence');
  await step((cb) => zombie.beginTransaction(cb));
  produce(zombie, 'zombie-1');
  await flush(zombie);
  // Open: a read_committed reader is held at the last stable offset.
  assert.equal((await read('read_committed')).length, before, 'the open transaction is invisible');

  const successor = await transactionalProducer('eos-fence');
  await step((cb) => successor.beginTransaction(cb));
  produce(successor, 'successor-1');
  await step((cb) => successor.commitTransaction(10_000, cb));

  await assert.rejects(
    step((cb) => zombie.commitTransaction(10_000, cb)),
    (err: LibrdKafkaError) => /fenc|epoch/i.test(err.message),
    'the old instance cannot commit',
  );
  const seen = (await read('read_committed')).slice(before);
  assert.deepEqual(seen, ['successor-1'], 'the fenced transaction was aborted');
});

test('a transaction open longer than its transaction.timeout.ms is aborted and its producer fenced', async () => {
  const before = (await read('read_committed')).length;
  // The timeout is what this test is about: the default (60 s) would only make it slow.
  const slow = await transactionalProducer('eos-timeout', { 'transaction.timeout.ms': 2_000 });
  await step((cb) => slow.beginTransaction(cb));
  produce(slow, 'timed-out-1');
  await flush(slow);
  await sleep(4_000); // the broker checks every second
  await assert.rejects(
    step((cb) => slow.commitTransaction(10_000, cb)),
    'the timed-out transaction cannot commit',
  );
  assert.deepEqual((await read('read_committed')).slice(before), [], 'its record was aborted');
});
