import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import { Consume, ConsumerGroup, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import { parseDlqMessage, replayDlq } from '@tributary/lag';
import { DLQ_LAST_TOPIC_HEADER, DlqHeader, RetryHeader, retryTopics, TributaryProducer } from '@tributary/middleware';
import {
  committedOffsets,
  endOffsets,
  partitionCount,
  produceMessages,
  readTopic,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';

// Non-blocking retry topics on the broker over TCP, with the group's defaults: only the delays are
// short (the user's own retryTopics setting). Retry topics are created up front, as on a cluster
// that does not auto-create topics; the DLQ is created by its first write (the embedded broker).

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const RETRY_PARTITIONS = 2;
const header = (headers: unknown, name: string) =>
  (headers as Array<Record<string, Buffer>> | undefined)?.find((h) => name in h)?.[name]?.toString();

/** One run of the handler: which message, from where, as which attempt, and when it was due. */
interface Run {
  seq: number;
  topic: string;
  attempt: number;
  dueAt?: number;
  startedAt: number;
  result?: 'ok' | 'failed';
}

async function setup(delays: number[], count: number) {
  const topic = uniqueName('orders');
  const group = uniqueName('billing');
  await kafka.createTopic({ name: topic, partitions: 1 });
  for (let n = 1; n <= delays.length; n++)
    await kafka.createTopic({ name: `${topic}.retry.${n}`, partitions: RETRY_PARTITIONS });
  await produceMessages(kafka.bootstrapServers, topic, count, {
    message: (i) => ({ key: `order-${i}`, value: JSON.stringify({ seq: i }), headers: [{ origin: `web-${i}` }] }),
  });
  return { topic, group };
}

async function startApp(handler: Function, producer: TributaryProducer, delays: number[]) {
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [handler],
    middleware: [retryTopics({ delays, dlq: true, producer })],
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  return app;
}

/** Records every run in `runs` (in the order they ended) and fails `seq` while `fails(attempt)`. */
function recordingHandler(runs: Run[], poison: number, fails: (attempt: number) => boolean) {
  return async (msg: Message<{ seq: number }>, ctx: MessageContext) => {
    const due = header([msg.headers], RetryHeader.dueAt);
    const run: Run = {
      seq: msg.value.seq,
      topic: msg.topic,
      attempt: ctx.attempt,
      dueAt: due === undefined ? undefined : Number(due),
      startedAt: Date.now(),
    };
    const fail = msg.value.seq === poison && fails(ctx.attempt);
    run.result = fail ? 'failed' : 'ok';
    runs.push(run);
    if (fail) throw new RangeError(`payment service timed out for seq ${msg.value.seq}`);
  };
}

const totalCommitted = async (group: string, topic: string, partitions: number) =>
  (await committedOffsets(kafka.bootstrapServers, group, topic, partitions)).reduce((n, o) => n + Math.max(0, o), 0);
const totalEnd = async (topic: string, partitions: number) =>
  (await endOffsets(kafka.bootstrapServers, topic, partitions)).reduce((n, o) => n + o, 0);

test('a message failing twice succeeds through retry.1 and retry.2 while its partition keeps flowing', async () => {
  // The first delay leaves the source partition time to go on even on a loaded machine (a 500 ms one
  // lost that race once in CI, with the other test files running beside it).
  const delays = [2000, 1000];
  const count = 20;
  const poison = 5;
  const { topic, group } = await setup(delays, count);
  const runs: Run[] = [];
  const on = recordingHandler(runs, poison, (attempt) => attempt <= 2);
  @ConsumerGroup(group)
  class Billing {
    @Consume(topic)
    async charge(msg: Message<{ seq: number }>, ctx: MessageContext) {
      await on(msg, ctx);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const app = await startApp(Billing, producer, delays);
  try {
    await waitUntil(() => runs.some((r) => r.seq === poison && r.result === 'ok'), {
      message: () => `seq ${poison} to succeed (runs of it: ${JSON.stringify(runs.filter((r) => r.seq === poison))})`,
    });
    // Committed: the source partition past the retried message, and each retry topic past its copy.
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === count, {
      message: `${topic} committed to ${count}`,
    });
    for (let n = 1; n <= delays.length; n++)
      await waitUntil(async () => (await totalCommitted(group, `${topic}.retry.${n}`, RETRY_PARTITIONS)) === 1, {
        message: `${topic}.retry.${n} committed past its one message`,
      });
  } finally {
    await app.stop();
    await producer.disconnect();
  }

  const ofPoison = runs.filter((r) => r.seq === poison);
  assert.deepEqual(
    ofPoison.map((r) => [r.topic, r.attempt, r.result]),
    [
      [topic, 1, 'failed'],
      [`${topic}.retry.1`, 2, 'failed'],
      [`${topic}.retry.2`, 3, 'ok'],
    ],
    'attempt carried across the retry topics, the same handler each time',
  );
  for (const run of ofPoison.slice(1)) {
    assert.ok(run.dueAt !== undefined && run.startedAt >= run.dueAt, `${run.topic}: ran at or after its due time`);
  }
  const finished = runs.indexOf(ofPoison[2] as Run);
  const others = runs.filter((r) => r.seq !== poison);
  assert.deepEqual(
    others.map((r) => r.seq),
    [...Array(count).keys()].filter((i) => i !== poison),
    'the others once each, in partition order',
  );
  assert.ok(
    others.every((r) => runs.indexOf(r) < finished),
    'every other message of the partition was handled before the retried one finished',
  );
  assert.ok(
    others.filter((r) => r.seq > poison).every((r) => runs.indexOf(r) < runs.indexOf(ofPoison[1] as Run)),
    'the messages behind it did not wait even for its first retry',
  );

  const [copy] = await readTopic(kafka.bootstrapServers, `${topic}.retry.1`, 1);
  assert.ok(copy);
  assert.equal(copy.key?.toString(), `order-${poison}`);
  assert.equal(copy.value?.toString(), JSON.stringify({ seq: poison }), 'value bytes untouched');
  assert.equal(header(copy.headers, 'origin'), `web-${poison}`, 'original headers kept');
  assert.equal(header(copy.headers, RetryHeader.originalTopic), topic);
  assert.equal(header(copy.headers, RetryHeader.originalPartition), '0');
  assert.equal(header(copy.headers, RetryHeader.originalOffset), String(poison));
  assert.equal(header(copy.headers, RetryHeader.attempt), '1');
  assert.equal(header(copy.headers, RetryHeader.group), group);
  assert.equal(header(copy.headers, RetryHeader.errorClass), 'RangeError');
  assert.equal(header(copy.headers, RetryHeader.errorMessage), `payment service timed out for seq ${poison}`);
  assert.equal(await totalEnd(`${topic}.retry.1`, RETRY_PARTITIONS), 1, 'one copy in retry.1');
  assert.equal(await totalEnd(`${topic}.retry.2`, RETRY_PARTITIONS), 1, 'one copy in retry.2');
});

test('a message that exhausts its delays lands in <topic>.dlq with its attempts, replayable by dlq replay', async () => {
  const delays = [300, 600];
  const count = 10;
  const poison = 2;
  const { topic, group } = await setup(delays, count);
  const runs: Run[] = [];
  const on = recordingHandler(runs, poison, () => true);
  @ConsumerGroup(group)
  class Billing {
    @Consume(topic)
    async charge(msg: Message<{ seq: number }>, ctx: MessageContext) {
      await on(msg, ctx);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const app = await startApp(Billing, producer, delays);
  let dead: Awaited<ReturnType<typeof readTopic>>[number] | undefined;
  try {
    [dead] = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 1);
    await waitUntil(async () => (await totalCommitted(group, `${topic}.retry.2`, RETRY_PARTITIONS)) === 1, {
      message: `${topic}.retry.2 committed past the dead-lettered message`,
    });
    assert.equal((await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0], count);

    // `tributary dlq replay` sends it back to the original topic as a first delivery.
    const summary = await replayDlq(
      { brokers: kafka.bootstrapServers, dlqTopic: `${topic}.dlq`, execute: true, timeoutMs: 20_000 },
      () => {},
    );
    assert.equal(summary.replayed, 1);
    await waitUntil(() => runs.filter((r) => r.seq === poison).length >= 4, {
      message: 'the replayed message handled again',
    });
  } finally {
    await app.stop();
    await producer.disconnect();
  }

  assert.deepEqual(
    // (The replay fails again and starts over in retry.1: a fifth run may have begun before the stop.)
    runs
      .filter((r) => r.seq === poison)
      .slice(0, 4)
      .map((r) => [r.topic, r.attempt]),
    [
      [topic, 1],
      [`${topic}.retry.1`, 2],
      [`${topic}.retry.2`, 3],
      [topic, 1],
    ],
    'three attempts, then the replay arrives on the original topic as attempt 1',
  );
  assert.deepEqual(
    runs.filter((r) => r.seq !== poison).map((r) => r.seq),
    [...Array(count).keys()].filter((i) => i !== poison),
  );
  assert.ok(dead);
  assert.equal(dead.key?.toString(), `order-${poison}`);
  assert.equal(dead.value?.toString(), JSON.stringify({ seq: poison }));
  assert.equal(header(dead.headers, 'origin'), `web-${poison}`);
  assert.equal(header(dead.headers, DlqHeader.attempts), '3');
  assert.equal(header(dead.headers, DlqHeader.originalTopic), topic);
  assert.equal(header(dead.headers, DlqHeader.originalPartition), '0');
  assert.equal(header(dead.headers, DlqHeader.originalOffset), String(poison));
  assert.equal(header(dead.headers, DlqHeader.errorClass), 'RangeError');
  assert.equal(header(dead.headers, DlqHeader.group), group);
  assert.equal(header(dead.headers, DlqHeader.handler), 'Billing.charge');
  assert.equal(header(dead.headers, DLQ_LAST_TOPIC_HEADER), `${topic}.retry.2`);
  assert.deepEqual(
    (dead.headers ?? []).flatMap((h) => Object.keys(h)).filter((k) => k.startsWith('x-tributary-retry-')),
    [],
    'no retry state in the DLQ entry',
  );
  const entry = parseDlqMessage(dead);
  assert.equal(entry.originalTopic, topic, 'what dlq replay reads');
  assert.equal(entry.originalPartition, 0);
  const dlqPartitions = await partitionCount(kafka.bootstrapServers, `${topic}.dlq`);
  assert.equal(await totalEnd(`${topic}.dlq`, dlqPartitions), 1, 'dead-lettered once');
});

test("retry partitions waiting for their heads do not take the group's handler slots from the source topic", async () => {
  // More retry partitions than the default concurrency (16) hold a waiting head at once; a new
  // message on the source topic must still be handled at once, not when the first head is due.
  const topic = uniqueName('orders');
  const group = uniqueName('billing');
  const retryPartitions = 24;
  await kafka.createTopic({ name: topic, partitions: 1 });
  await kafka.createTopic({ name: `${topic}.retry.1`, partitions: retryPartitions });
  const failing = 72;
  await produceMessages(kafka.bootstrapServers, topic, failing, {
    message: (i) => ({ key: `order-${i}`, value: JSON.stringify({ seq: i }) }),
  });
  const runs: Run[] = [];
  const on = recordingHandler(runs, -1, () => false);
  @ConsumerGroup(group)
  class Billing {
    @Consume(topic)
    async charge(msg: Message<{ seq: number }>, ctx: MessageContext) {
      if (msg.topic === topic && msg.value.seq < failing) throw new Error('first attempt fails');
      await on(msg, ctx);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  // A delay no loaded machine outlasts before the check below: the heads are still waiting then.
  const app = await startApp(Billing, producer, [120_000]);
  const waiting = new Set<number>();
  app.events.on('message.paused', (e) => {
    if (e.topic === `${topic}.retry.1`) waiting.add(e.partition);
  });
  try {
    await waitUntil(() => waiting.size > 16, {
      message: () => `more than 16 retry partitions holding a waiting head (${waiting.size})`,
    });
    await produceMessages(kafka.bootstrapServers, topic, 1, {
      message: () => ({ key: 'order-new', value: JSON.stringify({ seq: failing }) }),
    });
    await waitUntil(() => runs.some((r) => r.seq === failing), {
      message: 'the new source message handled while the retry heads wait',
    });
  } finally {
    await app.stop();
    await producer.disconnect();
  }
  assert.deepEqual(
    runs.map((r) => [r.topic, r.seq]),
    [[topic, failing]],
    'handled on the source topic, and no retry ran (none was due)',
  );
});

test('the source offset is committed only after the retry topic acknowledged the copy', async () => {
  const topic = uniqueName('orders');
  const group = uniqueName('billing');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await kafka.createTopic({ name: `${topic}.retry.1`, partitions: RETRY_PARTITIONS });
  const count = 10;
  const poison = 3;
  await produceMessages(kafka.bootstrapServers, topic, count, {
    message: (i) => ({ key: `order-${i}`, value: JSON.stringify({ seq: i }) }),
  });
  const runs: Run[] = [];
  const on = recordingHandler(runs, poison, (attempt) => attempt === 1);
  @ConsumerGroup(group)
  class Billing {
    @Consume(topic)
    async charge(msg: Message<{ seq: number }>, ctx: MessageContext) {
      // Fails on the source topic however often the core reruns it there; succeeds from retry.1.
      if (msg.topic === topic && msg.value.seq === poison) throw new RangeError('payment service down');
      await on(msg, ctx);
    }
  }
  const broker = kafka.embedded;
  assert.ok(broker, 'needs the embedded broker to inject faults');
  // Every Produce fails until cleared; the producer gives a message up after 800 ms (its own setting).
  await broker.injectErrors(ApiKey.Produce, new Array(5000).fill(KafkaErrorCode.NOT_ENOUGH_REPLICAS));
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers, messageTimeoutMs: 800 });
  const failures: string[] = [];
  let app: TributaryApp | undefined;
  try {
    app = await startApp(Billing, producer, [200]);
    app.events.on('message.failed', (e) => failures.push(e.error.name));
    await waitUntil(() => failures.filter((n) => n === 'RetryTopicError').length >= 2, {
      message: () => `writes to the retry topic failing (failures: ${failures.join(', ')})`,
      timeoutMs: 20_000,
    });
    assert.deepEqual(
      runs.map((r) => r.seq),
      [0, 1, 2],
      'the partition holds at the message whose copy was not acknowledged',
    );
    assert.deepEqual(
      await committedOffsets(kafka.bootstrapServers, group, topic, 1),
      [poison],
      'not committed past it',
    );
    await broker.clearErrors(ApiKey.Produce);
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === count, {
      message: 'committed past it once the copy was acknowledged',
      timeoutMs: 20_000,
    });
    await waitUntil(() => runs.some((r) => r.seq === poison && r.topic === `${topic}.retry.1`), {
      message: 'the copy handled from retry.1',
    });
  } finally {
    await broker.clearErrors(ApiKey.Produce);
    await app?.stop();
    await producer.disconnect();
  }
  assert.deepEqual(
    runs.filter((r) => r.topic === topic).map((r) => r.seq),
    [...Array(count).keys()].filter((i) => i !== poison),
  );
  assert.ok((await totalEnd(`${topic}.retry.1`, RETRY_PARTITIONS)) >= 1, 'the copy is in retry.1');
});

test('a stop while a retry head waits leaves it uncommitted; the next owner runs it when due', async () => {
  const topic = uniqueName('orders');
  const group = uniqueName('billing');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await kafka.createTopic({ name: `${topic}.retry.1`, partitions: RETRY_PARTITIONS });
  await produceMessages(kafka.bootstrapServers, topic, 1, {
    message: () => ({ key: 'order-0', value: JSON.stringify({ seq: 0 }) }),
  });
  const runs: Run[] = [];
  const on = recordingHandler(runs, 0, (attempt) => attempt === 1);
  @ConsumerGroup(group)
  class Billing {
    @Consume(topic)
    async charge(msg: Message<{ seq: number }>, ctx: MessageContext) {
      await on(msg, ctx);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const delays = [4000];
  const first = await startApp(Billing, producer, delays);
  let paused: { partition: number; offset: number } | undefined;
  first.events.on('message.paused', (e) => {
    if (e.topic === `${topic}.retry.1`) paused = e;
  });
  let second: TributaryApp | undefined;
  try {
    await waitUntil(() => paused, { message: 'the retry head waiting in retry.1' });
    await first.stop();
    assert.deepEqual(
      runs.map((r) => [r.topic, r.attempt]),
      [[topic, 1]],
      'the stop ended the wait; the message did not run',
    );
    const at = paused as { partition: number; offset: number };
    const committed = await committedOffsets(kafka.bootstrapServers, group, `${topic}.retry.1`, RETRY_PARTITIONS);
    assert.ok(committed[at.partition] === -1001 || (committed[at.partition] as number) <= at.offset, 'not committed');
    second = await startApp(Billing, producer, delays);
    await waitUntil(() => runs.some((r) => r.topic === `${topic}.retry.1`), {
      message: 'the next owner running the retry',
      timeoutMs: 30_000,
    });
  } finally {
    await first.stop();
    await second?.stop();
    await producer.disconnect();
  }
  const retried = runs.find((r) => r.topic === `${topic}.retry.1`) as Run;
  assert.equal(retried.attempt, 2);
  assert.equal(retried.result, 'ok');
  assert.ok(retried.dueAt !== undefined && retried.startedAt >= retried.dueAt, 'run when due, not earlier');
  assert.equal(runs.length, 2, 'once on the source topic, once from retry.1');
});
