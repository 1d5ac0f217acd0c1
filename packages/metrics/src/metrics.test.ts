import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { produceMessages, startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';
import { startHealthServer } from './health-server.js';
import { TributaryMetrics } from './tributary-metrics.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const value = (text: string, name: string, labels: Record<string, string>) => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

test('metrics and health endpoints reflect what the app did', async () => {
  const topic = uniqueName('metrics');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 100);
  let calls = 0;
  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(_msg: Message) {
      calls++;
      if (calls === 5) throw new Error('once');
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    groups: {
      [group]: {
        commitIntervalMs: 200,
        retryBackoffMs: { initial: 10, max: 10 },
      },
    },
    statsIntervalMs: 200,
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const server = await startHealthServer(app, metrics, { port: 0 });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: res.status, text: await res.text() };
  };
  try {
    assert.equal((await get('/health/ready')).status, 503, 'not ready before start');
    assert.equal((await get('/health/live')).status, 200);
    await app.start();
    await waitUntil(async () => (await get('/health/ready')).status === 200, { message: 'ready after joining' });
    const ready = JSON.parse((await get('/health/ready')).text);
    assert.deepEqual(ready.groups[0].assigned.sort(), [`${topic}/0`, `${topic}/1`]);
    await waitUntil(
      async () => {
        const text = (await get('/metrics')).text;
        const done =
          (value(text, 'tributary_messages_processed_total', { topic, partition: '0', outcome: 'done' }) ?? 0) +
          (value(text, 'tributary_messages_processed_total', { topic, partition: '1', outcome: 'done' }) ?? 0);
        const lag0 = value(text, 'tributary_consumer_lag', { topic, partition: '0' });
        return done === 100 && lag0 === 0;
      },
      { message: 'processed 100 and lag sampled back to 0' },
    );
    const text = (await get('/metrics')).text;
    assert.equal(value(text, 'tributary_messages_consumed_total', { group }), 100);
    const failed =
      (value(text, 'tributary_messages_failed_total', { topic, partition: '0' }) ?? 0) +
      (value(text, 'tributary_messages_failed_total', { topic, partition: '1' }) ?? 0);
    assert.equal(failed, 1);
    assert.equal(value(text, 'tributary_partition_assigned', { topic, partition: '1' }), 1);
    assert.equal(value(text, 'tributary_rebalances_total', { group, type: 'assign' }), 1);
    assert.ok((value(text, 'tributary_commits_total', { group, kind: 'periodic' }) ?? 0) >= 1);
    assert.match(text, /tributary_handler_duration_seconds_bucket\{le="0.001",group="[^"]+",handler="Handler.on"\}/);
    assert.equal(value(text, 'tributary_messages_in_flight', { group }), 0);
  } finally {
    await app.stop();
    await server.close();
  }
  const text = (await get('/metrics').catch(() => ({ text: '' }))).text;
  void text;
  const after = await metrics.metrics();
  assert.equal(
    value(after, 'tributary_rebalances_total', { group, type: 'revoke' }),
    undefined,
    'a graceful stop is not counted as a rebalance',
  );
});
