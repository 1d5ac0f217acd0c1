import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, type Next, TributaryApp } from '@tributary/core';
import { idempotent, RedisIdempotencyStore } from '@tributary/middleware';
import {
  produceMessages,
  startTestKafka,
  startTestRedis,
  type TestKafka,
  type TestRedis,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { Redis } from 'ioredis';

let kafka: TestKafka;
let redis: TestRedis;
before(async () => {
  [kafka, redis] = await Promise.all([startTestKafka(), startTestRedis()]);
});
after(async () => {
  await Promise.all([kafka.stop(), redis.stop()]);
});

test('with the Redis store, the same event delivered twice to two app instances runs the side effect once', async () => {
  // Every event reaches both instances (as a replay or a duplicate produce would): instance a reads
  // the events in order, instance b in reverse order, so they race for the keys in the middle.
  const topics = { a: uniqueName('task-created-a'), b: uniqueName('task-created-b') };
  const events = 200;
  for (const [instance, topic] of Object.entries(topics)) {
    await kafka.createTopic({ name: topic, partitions: 1 });
    await produceMessages(kafka.bootstrapServers, topic, events, {
      message: (i) => ({
        key: null,
        value: JSON.stringify({ eventId: `evt-${instance === 'a' ? i : events - 1 - i}` }),
      }),
    });
  }
  const sideEffects: Array<{ eventId: string; instance: string }> = [];
  const skipped: string[] = [];
  const clients: Redis[] = [];

  const startInstance = async (instance: 'a' | 'b') => {
    const group = uniqueName(`notification-service-${instance}`);
    @ConsumerGroup(group, { ordering: 'unordered', concurrency: 4 })
    class Notifications {
      @Consume(topics[instance])
      async send(msg: Message<{ eventId: string }>) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        sideEffects.push({ eventId: msg.value.eventId, instance });
      }
    }
    const client = new Redis(redis.url, { maxRetriesPerRequest: 2 });
    clients.push(client);
    const app = await TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Notifications],
      middleware: [
        async (ctx: MessageContext, next: Next) => {
          await next();
          if (ctx.outcome === 'skipped') skipped.push((ctx.message.value as { eventId: string }).eventId);
        },
        idempotent<{ eventId: string }>({
          key: (m) => m.value.eventId,
          store: new RedisIdempotencyStore(client),
          leaseMs: 5_000,
          owner: instance,
        }),
      ],
      groups: {
        [group]: { retryBackoffMs: { initial: 20, max: 100 } },
      },
      handleSignals: false,
      logger: { level: 'fatal' },
    });
    await app.start();
    return app;
  };
  const apps = await Promise.all([startInstance('a'), startInstance('b')]);
  try {
    await waitUntil(() => sideEffects.length + skipped.length >= events * 2, {
      timeoutMs: 30_000,
      message: () => `all ${events * 2} deliveries settled (${sideEffects.length} effects, ${skipped.length} skipped)`,
    });
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    for (const c of clients) c.disconnect();
  }
  const perEvent = new Map<string, number>();
  for (const e of sideEffects) perEvent.set(e.eventId, (perEvent.get(e.eventId) ?? 0) + 1);
  assert.equal(perEvent.size, events, 'every event had its side effect');
  assert.deepEqual(
    [...perEvent.values()].filter((n) => n > 1),
    [],
    'and none twice',
  );
  assert.equal(skipped.length, events, 'every second delivery was skipped');
  const instances = new Set(sideEffects.map((e) => e.instance));
  assert.equal(instances.size, 2, 'both instances did work');
});
