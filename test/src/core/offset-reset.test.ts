import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { produceMessages, startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('data deleted by retention before it was read is reported as an offset reset, never skipped silently', async () => {
  const topic = uniqueName('retention');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 10);
  const seen: number[] = [];
  @ConsumerGroup(group)
  class Handler {
    @Consume({ topic, decoder: 'buffer' })
    async on(msg: Message) {
      seen.push(msg.offset);
    }
  }
  // librdkafka's `topic` debug context announces a new group's start position with the same
  // "offset reset" line as a retention reset; the first app enables it to prove that is not reported.
  const create = (rdkafka: Record<string, string> = {}) =>
    TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      groups: { [group]: { commitIntervalMs: 100, rdkafka } },
      handleSignals: false,
      logger: { level: 'fatal' },
    });
  const first = await create({ debug: 'topic' });
  const freshStartResets: number[] = [];
  first.events.on('offsets.reset', (e) => freshStartResets.push(e.partition));
  await first.start();
  await waitUntil(() => seen.length === 10, { message: 'the first 10 messages' });
  await first.stop(); // commits offset 10
  assert.deepEqual(freshStartResets, [], "a new group starting at 'earliest' skipped nothing: no reset reported");

  // While the group is away, 8 MiB arrive: the broker keeps ~5 MiB, so offset 10 is deleted.
  const big = Buffer.alloc(100 * 1024, 7);
  await produceMessages(kafka.bootstrapServers, topic, 80, { message: () => ({ key: null, value: big }) });

  const second = await create();
  const resets: Array<{ topic: string; partition: number }> = [];
  second.events.on('offsets.reset', (e) => resets.push({ topic: e.topic, partition: e.partition }));
  await second.start();
  try {
    await waitUntil(() => resets.length > 0, { timeoutMs: 15_000, message: 'an offsets.reset event' });
    await waitUntil(() => seen.length > 10, { message: 'consumption continues after the reset' });
  } finally {
    await second.stop();
  }
  assert.deepEqual(resets[0], { topic, partition: 0 });
  assert.ok((second.stats()[0]?.offsetResets ?? 0) >= 1);
  const resumedAt = seen[10] as number;
  assert.ok(resumedAt > 10, `resumed at the log start ${resumedAt}, after data deleted by retention`);
});
