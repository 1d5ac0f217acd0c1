import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { inject } from 'tsyringe';
import { memberContainer, quietLogger, Recorder } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('KIP-848 (groupProtocol consumer): a joining member gets partitions within seconds, nothing handled twice', async () => {
  const topic = uniqueName('kip848');
  const group = uniqueName('g');
  const total = 3000;
  await kafka.createTopic({ name: topic, partitions: 6 });
  await produceMessages(kafka.bootstrapServers, topic, total);

  @ConsumerGroup(group, { ordering: 'key', concurrency: 2, groupProtocol: 'consumer' })
  class Handler {
    constructor(
      private readonly recorder: Recorder,
      @inject('member') private readonly member: string,
    ) {}
    @Consume(topic)
    async on(msg: Message<{ seq: number }>, ctx: MessageContext) {
      await this.recorder.handle(this.member, msg, ctx);
    }
  }
  const recorder = new Recorder();
  recorder.delayMs = () => 5;
  const start = async (name: string) => {
    const app = await TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      container: memberContainer(recorder, name),
      groups: { [group]: { commitIntervalMs: 200 } },
      handleSignals: false,
      logger: quietLogger,
    });
    await app.start();
    return app;
  };
  const a = await start('a');
  await waitUntil(() => recorder.processed.length > 200, { message: 'a under way' });
  const joinedAt = Date.now();
  const b = await start('b');
  try {
    await waitUntil(() => recorder.processed.some((p) => p.member === 'b'), {
      timeoutMs: 15_000,
      message: 'b processing',
    });
    const handover = Date.now() - joinedAt;
    assert.ok(handover < 5_000, `b took over partitions in ${handover} ms`);
    await waitUntil(() => recorder.distinct() >= total, { timeoutMs: 60_000, message: 'all messages' });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.deepEqual(recorder.duplicates(), []);
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, topic, 6),
    await endOffsets(kafka.bootstrapServers, topic, 6),
  );
});
