import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BatchContext, ConsumeBatch, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
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

const PARTITIONS = 4;
const TOTAL = 4000;

for (const protocol of ['cooperative', 'eager'] as const) {
  test(`${protocol}: a member joining while batches run: the revoke waits for them, nothing runs twice or is lost`, async () => {
    const topic = uniqueName(`batch-rebalance-${protocol}`);
    const group = uniqueName('g');
    await kafka.createTopic({ name: topic, partitions: PARTITIONS });
    await produceMessages(kafka.bootstrapServers, topic, TOTAL, {
      message: (i) => ({ key: `k${i}`, value: JSON.stringify({ seq: i }) }),
    });
    const done: Array<{ member: string; partition: number; offset: number }> = [];
    const member = async (name: string) => {
      @ConsumerGroup(group, { rebalanceProtocol: protocol })
      class Slow {
        @ConsumeBatch({ topic, maxSize: 5 })
        async on(messages: Message[], ctx: BatchContext) {
          await sleep(50); // ~100 msgs/s per partition: the join happens mid-stream
          if (ctx.signal.aborted) throw new Error('aborted');
          for (const m of messages) done.push({ member: name, partition: m.partition, offset: m.offset });
        }
      }
      const app = await TributaryApp.create({
        brokers: kafka.bootstrapServers,
        handlers: [Slow],
        handleSignals: false,
        logger: quietLogger,
      });
      await app.start();
      return app;
    };
    const a = await member('a');
    let b: TributaryApp | undefined;
    try {
      await waitUntil(() => done.length >= 200, { message: 'a under way' });
      b = await member('b');
      await waitUntil(() => done.some((d) => d.member === 'b'), { timeoutMs: 30_000, message: 'b handling' });
      await waitUntil(() => done.length >= TOTAL, { timeoutMs: 60_000, message: `all ${TOTAL} handled` });
      await waitUntil(
        async () =>
          (await committedOffsets(kafka.bootstrapServers, group, topic, PARTITIONS)).reduce((x, y) => x + y, 0) ===
          TOTAL,
        { message: 'every partition committed to its end' },
      );
    } finally {
      await Promise.all([a.stop(), b?.stop()]);
    }
    const seen = new Map<string, number>();
    for (const d of done) seen.set(`${d.partition}@${d.offset}`, (seen.get(`${d.partition}@${d.offset}`) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    assert.deepEqual(twice, [], 'handled twice');
    assert.equal(seen.size, TOTAL, 'every message handled');
  });
}
