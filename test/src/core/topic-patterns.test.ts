import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, HandlerRegistrationError, type Message, TributaryApp } from '@tributary/core';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { quietLogger } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('a topic pattern consumes the matching topics, and picks up one created after start', async () => {
  const prefix = uniqueName('orders').replace(/-/g, '_');
  const group = uniqueName('g');
  await kafka.createTopic({ name: `${prefix}.eu`, partitions: 2 });
  await kafka.createTopic({ name: `${prefix}_other`, partitions: 1 }); // does not match
  await produceMessages(kafka.bootstrapServers, `${prefix}.eu`, 20);
  await produceMessages(kafka.bootstrapServers, `${prefix}_other`, 5);
  const seen: string[] = [];

  @ConsumerGroup(group)
  class Orders {
    @Consume({ topic: new RegExp(`^${prefix}\\..+`), decoder: 'string' })
    async on(msg: Message) {
      seen.push(msg.topic);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Orders],
    handleSignals: false,
    logger: quietLogger,
  });
  await app.start();
  try {
    await waitUntil(() => seen.length === 20, { message: 'the existing matching topic' });
    // Created after start: librdkafka sees it at its next metadata refresh (30 s with a pattern).
    await kafka.createTopic({ name: `${prefix}.us`, partitions: 1 });
    await produceMessages(kafka.bootstrapServers, `${prefix}.us`, 7);
    await waitUntil(() => seen.filter((t) => t === `${prefix}.us`).length === 7, {
      timeoutMs: 60_000,
      intervalMs: 500,
      message: 'the topic created after start',
    });
    assert.equal(seen.filter((t) => t === `${prefix}_other`).length, 0, 'a topic the pattern does not match');
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, `${prefix}.us`, 1))[0] === 7, {
      message: 'its offsets committed',
    });
  } finally {
    await app.stop();
  }
});

test('two patterns that overlap on an existing topic fail at start, naming both handlers', async () => {
  const prefix = uniqueName('pay').replace(/-/g, '_');
  await kafka.createTopic({ name: `${prefix}.card.eu`, partitions: 1 });

  @ConsumerGroup(uniqueName('g'))
  class Payments {
    @Consume(new RegExp(`^${prefix}\\.card\\..+`))
    async cards() {}
    @Consume(new RegExp(`^${prefix}\\..+\\.eu$`))
    async europe() {}
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Payments],
    handleSignals: false,
    logger: quietLogger,
  });
  await assert.rejects(app.start(), (err: unknown) => {
    assert.ok(err instanceof HandlerRegistrationError, String(err));
    assert.match(
      err.message,
      new RegExp(`Payments\\.cards and Payments\\.europe: both consume topic "${prefix}\\.card\\.eu"`),
    );
    return true;
  });
});
