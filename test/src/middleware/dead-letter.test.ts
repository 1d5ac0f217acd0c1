import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { DlqHeader, deadLetter, retry, TributaryProducer } from '@tributary/middleware';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  readTopic,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { z } from 'zod';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const fast = {
  commitIntervalMs: 100,
  retryBackoffMs: { initial: 50, max: 200 },
};
const header = (headers: unknown, name: string) =>
  (headers as Array<Record<string, Buffer>>).find((h) => name in h)?.[name]?.toString();

async function app(group: string, handler: Function, producer: TributaryProducer, maxAttempts = 3) {
  const instance = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [handler],
    middleware: [deadLetter({ producer }), retry({ maxAttempts, initialDelayMs: 5, maxDelayMs: 20 })],
    groups: { [group]: fast },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await instance.start();
  return instance;
}

test('a poison message among 1,000 lands on <topic>.dlq after maxAttempts; the other 999 are processed in order', async () => {
  const topic = uniqueName('task-created');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 1000, {
    message: (i) => ({
      key: `task-${i}`,
      value: JSON.stringify({ seq: i, poison: i === 500 }),
      headers: [{ origin: `producer-${i}` }],
    }),
  });
  const processed: number[] = [];
  const attempts: number[] = [];
  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(msg: Message<{ seq: number; poison: boolean }>) {
      if (msg.value.poison) {
        attempts.push(msg.offset);
        throw new RangeError(`cannot notify for seq ${msg.value.seq}`);
      }
      processed.push(msg.value.seq);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const running = await app(group, Handler, producer, 4);
  try {
    await waitUntil(() => processed.length === 999, { message: '999 good messages' });
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 1000, {
      message: 'the commit passes the poison message',
    });
  } finally {
    await running.stop();
    await producer.disconnect();
  }
  assert.deepEqual(
    processed,
    [...Array(1000).keys()].filter((i) => i !== 500),
    'in order, all but the poison',
  );
  assert.deepEqual(attempts, [500, 500, 500, 500], 'maxAttempts tries');
  const [dead] = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 1);
  assert.ok(dead);
  assert.equal(dead.key?.toString(), 'task-500');
  assert.equal(dead.value?.toString(), JSON.stringify({ seq: 500, poison: true }), 'value bytes untouched');
  assert.equal(header(dead.headers, 'origin'), 'producer-500', 'original headers kept');
  assert.equal(header(dead.headers, DlqHeader.originalTopic), topic);
  assert.equal(header(dead.headers, DlqHeader.originalPartition), '0');
  assert.equal(header(dead.headers, DlqHeader.originalOffset), '500');
  assert.match(header(dead.headers, DlqHeader.originalTimestamp) ?? '', /^\d{13}$/);
  assert.equal(header(dead.headers, DlqHeader.errorClass), 'RangeError');
  assert.equal(header(dead.headers, DlqHeader.errorMessage), 'cannot notify for seq 500');
  assert.match(header(dead.headers, DlqHeader.errorStack) ?? '', /RangeError: cannot notify/);
  assert.equal(header(dead.headers, DlqHeader.attempts), '4');
  assert.equal(header(dead.headers, DlqHeader.group), group);
});

test('a validation failure goes to the DLQ without retries; valid messages arrive typed and parsed', async () => {
  const topic = uniqueName('task-created');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const TaskCreated = z.object({ taskId: z.string(), title: z.string().min(1), dueAt: z.coerce.date() });
  await produceMessages(kafka.bootstrapServers, topic, 3, {
    message: (i) => ({
      key: `t${i}`,
      value:
        i === 1
          ? JSON.stringify({ taskId: 't1', title: '' })
          : JSON.stringify({ taskId: `t${i}`, title: `Task ${i}`, dueAt: '2026-12-01T00:00:00Z' }),
    }),
  });
  const received: Array<z.infer<typeof TaskCreated>> = [];
  let handlerCalls = 0;
  @ConsumerGroup(group)
  class Handler {
    @Consume({ topic, schema: TaskCreated })
    async on(msg: Message<z.infer<typeof TaskCreated>>) {
      handlerCalls++;
      received.push(msg.value);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const running = await app(group, Handler, producer, 5);
  try {
    const [dead] = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 1, 20_000);
    await waitUntil(() => received.length === 2, { message: 'the two valid messages' });
    assert.equal(header(dead?.headers, DlqHeader.attempts), '1', 'no retries for invalid data');
    assert.equal(header(dead?.headers, DlqHeader.errorClass), 'DeserializationError');
    const issues = JSON.parse(header(dead?.headers, DlqHeader.validationIssues) ?? '[]') as Array<{ path: string[] }>;
    assert.deepEqual(issues.map((i) => i.path.join('.')).sort(), ['dueAt', 'title']);
  } finally {
    await running.stop();
    await producer.disconnect();
  }
  assert.equal(handlerCalls, 2, 'the handler never saw the invalid message');
  assert.ok(received[0]?.dueAt instanceof Date, 'the parsed (coerced) value reaches the handler');
});

test('a failed DLQ write keeps the message uncommitted; after the broker recovers it is dead-lettered', async () => {
  const topic = uniqueName('task-created');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await kafka.createTopic({ name: `${topic}.dlq`, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 10, {
    message: (i) => ({ key: null, value: JSON.stringify({ seq: i }) }),
  });
  const processed: number[] = [];
  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(msg: Message<{ seq: number }>) {
      if (msg.value.seq === 3) throw new Error('poison');
      processed.push(msg.value.seq);
    }
  }
  const broker = kafka.embedded;
  assert.ok(broker, 'needs the embedded broker to inject faults');
  // Every Produce fails (retriable for the producer) until cleared; the DLQ producer times out fast.
  await broker.injectErrors(ApiKey.Produce, new Array(5000).fill(KafkaErrorCode.NOT_ENOUGH_REPLICAS));
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers, messageTimeoutMs: 800 });
  const running = await app(group, Handler, producer, 1);
  const failures: string[] = [];
  running.events.on('message.failed', (e) => failures.push(e.error.name));
  try {
    await waitUntil(() => failures.filter((n) => n === 'DeadLetterError').length >= 2, {
      message: 'DLQ writes failing',
      timeoutMs: 20_000,
    });
    assert.deepEqual(processed, [0, 1, 2], 'the partition holds at the message');
    assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 1), [3], 'not committed past it');
    await broker.clearErrors(ApiKey.Produce);
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 10, {
      message: 'dead-lettered once the broker recovered, and the partition moved on',
      timeoutMs: 20_000,
    });
  } finally {
    await broker.clearErrors(ApiKey.Produce);
    await running.stop();
    await producer.disconnect();
  }
  assert.deepEqual(processed, [0, 1, 2, 4, 5, 6, 7, 8, 9]);
  const dead = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 1);
  assert.equal(header(dead[0]?.headers, DlqHeader.originalOffset), '3');
  assert.deepEqual(await endOffsets(kafka.bootstrapServers, `${topic}.dlq`, 1), [1], 'exactly one DLQ entry');
});
