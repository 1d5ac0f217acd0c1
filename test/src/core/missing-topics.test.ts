import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, MissingTopicsError, TributaryApp } from '@tributary/core';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import {
  partitionCount,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import pino from 'pino';
import { fastCommits, sleep } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

function capturedLogger() {
  const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

const exists = (topic: string) =>
  partitionCount(kafka.bootstrapServers, topic).then(
    () => true,
    () => false,
  );

test('a subscribed topic that does not exist makes start() reject naming the group and the topic', async () => {
  const real = uniqueName('orders');
  const typo = real.replace('orders', 'ordrs');
  const group = uniqueName('g');
  await kafka.createTopic({ name: real, partitions: 2 });
  @ConsumerGroup(group)
  class Handler {
    @Consume(typo)
    async on(_msg: Message) {}
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await assert.rejects(app.start(), (err: Error) => {
    assert.ok(err instanceof MissingTopicsError, `${err.name}: ${err.message}`);
    assert.deepEqual(err.topics, [typo]);
    assert.equal(err.groupId, group);
    assert.ok(err.message.includes(`"${group}"`) && err.message.includes(`"${typo}"`), err.message);
    assert.ok(err.message.includes(`did you mean "${real}"`), err.message);
    return true;
  });
  assert.equal(app.status, 'stopped', 'the app stopped cleanly');
  assert.equal(await exists(typo), false, 'checking for the topic did not create it');
});

test("missingTopics 'wait': not ready with the topics named, one log line, consuming once the topic is created", async () => {
  const present = uniqueName('present');
  const missing = uniqueName('later');
  const group = uniqueName('g');
  await kafka.createTopic({ name: present, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, present, 5);
  const seen: string[] = [];
  @ConsumerGroup(group, { ...fastCommits, missingTopics: 'wait' })
  class Handler {
    @Consume([present, missing])
    async on(msg: Message) {
      seen.push(msg.topic);
    }
  }
  const { lines, logger } = capturedLogger();
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger,
  });
  const server = await startHealthServer(app, new TributaryMetrics(), { port: 0 });
  const ready = async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/health/ready`);
    return {
      status: res.status,
      body: (await res.json()) as { reason?: string; groups: { missingTopics: string[] }[] },
    };
  };
  try {
    await app.start();
    assert.equal(app.status, 'running');
    await waitUntil(() => seen.length === 5, { message: 'the existing topic is consumed meanwhile' });
    const waiting = await ready();
    assert.equal(waiting.status, 503);
    assert.ok(waiting.body.reason?.includes(`waiting for missing topics ${missing}`), JSON.stringify(waiting.body));
    assert.deepEqual(waiting.body.groups[0]?.missingTopics, [missing]);

    await sleep(11_000); // two rechecks later: still one line, and the checks created nothing
    const waitLines = lines.filter((l) => l.msg.startsWith('waiting for missing topics'));
    assert.equal(waitLines.length, 1, JSON.stringify(waitLines));
    assert.ok(waitLines[0]?.msg.includes(missing));
    assert.equal(await exists(missing), false, 'waiting did not create the topic');

    await kafka.createTopic({ name: missing, partitions: 2 });
    await produceMessages(kafka.bootstrapServers, missing, 10);
    await waitUntil(() => seen.filter((t) => t === missing).length === 10, {
      timeoutMs: 30_000,
      message: () => `the created topic's 10 messages (got ${seen.filter((t) => t === missing).length})`,
    });
    await waitUntil(async () => (await ready()).status === 200, { message: 'ready once every topic exists' });
  } finally {
    await app.stop();
    await server.close();
  }
});
