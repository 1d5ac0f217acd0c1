import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { DlqHeader, deadLetter, logging, retry, TributaryProducer } from '@tributary/middleware';
import { produceMessages, readTopic, startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';
import pino from 'pino';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

// Personal data in a value that is not JSON (cut off), and in a header.
const value = `{"email":"alice@example.com","name":"Alice Liddell","notes":"${'x'.repeat(4000)}`;
const PERSONAL = /alice/i;

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

/** What a line about this message must never hold, whatever went wrong with it. */
function assertNoPayload(line: string) {
  assert.ok(!line.includes('"type":"Buffer"') && !/"data":\[\d/.test(line), `byte arrays in ${line}`);
  assert.doesNotMatch(line, PERSONAL, 'personal data from the value or headers');
  // Before, the value went into the line as a JSON byte array: about 4 characters a byte.
  assert.ok(line.length < 2000, `${line.length} characters for a ${value.length}-byte value: ${line}`);
}

async function poisonTopic(): Promise<string> {
  const topic = uniqueName('log-payloads');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 1, {
    message: () => ({ key: 'task-1', value, headers: [{ 'x-user': 'alice@example.com' }] }),
  });
  return topic;
}

test("an undecodable message: the core's failure lines hold no payload bytes and say the cause once", async () => {
  const topic = await poisonTopic();
  const group = uniqueName('g');
  @ConsumerGroup(group, { retryBackoffMs: { initial: 20, max: 50 } })
  class Handler {
    @Consume(topic)
    async on(msg: Message) {
      void msg.value; // decoding throws
    }
  }
  const { lines, logger } = capture();
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger,
  });
  const failures = () => lines.filter((l) => l.includes('its lane holds at this message'));
  await app.start();
  try {
    await waitUntil(() => failures().length >= 2, { message: 'two failure lines' });
  } finally {
    await app.stop();
  }
  for (const line of failures()) {
    assertNoPayload(line);
    const entry = JSON.parse(line);
    assert.equal(entry.err.type, 'DeserializationError');
    const cause = /JSON at position \d+/.exec(entry.err.message)?.[0] ?? 'a JSON cause';
    assert.equal(entry.err.message.split(cause).length, 2, `cause once in ${entry.err.message}`);
    assert.ok(!entry.msg.includes(cause), `the cause is not repeated in msg: ${entry.msg}`);
    assert.equal(entry.err.reason, undefined, 'no reason field: the message states it');
    assert.deepEqual(entry.payload, { value: `[${value.length} bytes]`, headers: ['x-user'] });
  }
});

test('logging → deadLetter → retry: the dead-letter line holds no payload bytes, the DLQ stack header no absolute path', async () => {
  const topic = await poisonTopic();
  const group = uniqueName('g');
  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(msg: Message) {
      void msg.value;
    }
  }
  const { lines, logger } = capture();
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger,
    middleware: [logging(), deadLetter({ producer }), retry({ maxAttempts: 3, initialDelayMs: 5 })],
  });
  await app.start();
  let dead: Awaited<ReturnType<typeof readTopic>>[number] | undefined;
  try {
    [dead] = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 1);
    await waitUntil(() => lines.some((l) => l.includes('message dead-lettered')), { message: 'the dead-letter line' });
  } finally {
    await app.stop();
    await producer.disconnect();
  }
  const deadLettered = lines.filter((l) => l.includes('message dead-lettered'));
  assert.equal(deadLettered.length, 1);
  for (const line of deadLettered) assertNoPayload(line);

  assert.equal(dead?.value?.toString(), value, 'the DLQ copy keeps the value bytes untouched');
  const headers = dead?.headers as Array<Record<string, Buffer>>;
  const stack = headers.find((h) => DlqHeader.errorStack in h)?.[DlqHeader.errorStack]?.toString() ?? '';
  assert.match(stack, /^DeserializationError: cannot decode /);
  assert.match(stack, /\n {4}at .*dist\/[\w/-]+\.js:\d+:\d+/, 'frames name their files');
  assert.ok(!stack.includes(process.cwd()), stack);
  assert.doesNotMatch(stack, /\(\/|at \//, 'no frame location starts at the root');
});
