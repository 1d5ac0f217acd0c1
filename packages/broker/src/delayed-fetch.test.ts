/**
 * Kafka's delayed fetch, with real clients: a Fetch that finds no data waits up to its MaxWait
 * (`fetch.wait.max.ms`) and is answered as soon as records arrive — a produce, or a transaction's
 * commit making records stable for a read_committed reader. The stock mock answered such a fetch only
 * after the whole MaxWait, so on the embedded broker a quiet partition's next record waited up to
 * `fetch.wait.max.ms` (100 ms with Tributary's defaults), which real Kafka never does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaConsumer, type LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { sleep } from './test-member.js';

// Long enough that a fetch answered at its MaxWait cannot pass for one answered when data came.
const MAX_WAIT_MS = 5_000;
let broker: EmbeddedBroker;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  broker = await startBroker({
    topics: [
      { name: 'quiet', partitions: 1 },
      { name: 'quiet-txn', partitions: 1 },
    ],
  });
});
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await broker.stop();
});

type Step = (cb: (err: LibrdKafkaError | null | undefined) => void) => void;
const step = (run: Step) => new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

async function producer(extra: Record<string, string | number> = {}): Promise<Producer> {
  const p = new Producer({ 'bootstrap.servers': broker.bootstrapServers, log_level: 0, ...extra } as never);
  await step((cb) => p.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  p.setPollInterval(10);
  closers.push(() => new Promise((resolve) => p.disconnect(() => resolve())));
  return p;
}

/** A consumer reading `topic`/0 from the start; resolves each record's arrival time (performance.now). */
async function reader(topic: string, isolation = 'read_uncommitted') {
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': broker.bootstrapServers,
      'group.id': `reader-${topic}`,
      'fetch.wait.max.ms': MAX_WAIT_MS,
      'isolation.level': isolation,
      'enable.auto.commit': false,
      log_level: 0,
    } as never,
    {},
  );
  await step((cb) => consumer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
  consumer.setDefaultConsumeTimeout(20); // consume(n) returns what it has after this, not after 1 s
  consumer.assign([{ topic, partition: 0, offset: 0 }]);
  const arrivals: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const batch = await new Promise<unknown[]>((resolve, reject) =>
        consumer.consume(100, (err, messages) => (err ? reject(err) : resolve(messages))),
      );
      for (const _ of batch) arrivals.push(performance.now());
    }
  })();
  closers.push(async () => {
    running = false;
    await loop;
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  });
  return {
    async next(timeoutMs = 2 * MAX_WAIT_MS): Promise<number> {
      const deadline = performance.now() + timeoutMs;
      while (arrivals.length === 0 && performance.now() < deadline) await sleep(5);
      const at = arrivals.shift();
      assert.ok(at !== undefined, `no record within ${timeoutMs} ms`);
      return at;
    },
  };
}

test('a fetch waiting on a quiet partition is answered when a record is produced, not at its MaxWait', async () => {
  const read = await reader('quiet');
  const p = await producer({ dr_cb: 1 });
  await sleep(1_500); // the reader's fetch is waiting on the empty partition by now
  const delivered = new Promise<number>((resolve) => p.once('delivery-report', () => resolve(performance.now())));
  p.produce('quiet', 0, Buffer.from('first'), null);
  const acked = await delivered;
  const arrived = await read.next();
  assert.ok(
    arrived - acked < MAX_WAIT_MS / 5,
    `the record arrived ${Math.round(arrived - acked)} ms after its produce was acknowledged (MaxWait ${MAX_WAIT_MS} ms)`,
  );
});

test('a read_committed fetch waiting behind an open transaction is answered when it commits', async () => {
  const read = await reader('quiet-txn', 'read_committed');
  const p = await producer({ 'transactional.id': 'delayed-fetch', dr_cb: 1 });
  await step((cb) => p.initTransactions(10_000, cb));
  await step((cb) => p.beginTransaction(cb));
  p.produce('quiet-txn', 0, Buffer.from('in-txn'), null);
  await step((cb) => p.flush(5_000, cb));
  await sleep(1_500); // appended, not stable: the reader's fetch finds nothing and waits
  await step((cb) => p.commitTransaction(10_000, cb));
  const committed = performance.now();
  const arrived = await read.next();
  assert.ok(
    arrived - committed < MAX_WAIT_MS / 5,
    `the committed record arrived ${Math.round(arrived - committed)} ms after the commit (MaxWait ${MAX_WAIT_MS} ms)`,
  );
});
