import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import { produceMessages, startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';
import { inject } from 'tsyringe';
import { fastCommits, memberContainer, quietLogger, Recorder } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

function handlerFor(topic: string, group: string, ordering: 'partition' | 'key') {
  @ConsumerGroup(group, { ordering, concurrency: 24 })
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
  return Handler;
}

test('partition ordering: each partition strictly in order, many partitions in parallel', async () => {
  const topic = uniqueName('order-partition');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 12 });
  const count = 6000;
  await produceMessages(kafka.bootstrapServers, topic, count, {
    message: (i) => ({ key: `k-${i % 97}`, value: JSON.stringify({ seq: i }) }),
  });
  const recorder = new Recorder();
  recorder.delayMs = (m) => (m.offset % 50 === 0 ? 3 : 0); // uneven work, so partitions drift apart
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [handlerFor(topic, group, 'partition')],
    container: memberContainer(recorder, 'a'),
    groups: { [group]: fastCommits },
    handleSignals: false,
    logger: quietLogger,
  });
  await app.start();
  try {
    await waitUntil(() => recorder.processed.length >= count, {
      timeoutMs: 60_000,
      message: () => `${count} processed (got ${recorder.processed.length})`,
    });
  } finally {
    await app.stop();
  }
  assert.deepEqual(recorder.duplicates(), []);
  const byPartition = new Map<number, number[]>();
  for (const p of recorder.processed) byPartition.set(p.partition, [...(byPartition.get(p.partition) ?? []), p.offset]);
  assert.equal(byPartition.size, 12);
  for (const [partition, offsets] of byPartition) {
    for (let i = 1; i < offsets.length; i++) {
      assert.ok((offsets[i] as number) > (offsets[i - 1] as number), `partition ${partition} out of order at ${i}`);
    }
    assert.ok(
      Math.max(
        ...[...recorder.maxActiveByPartition.entries()].filter(([k]) => k.endsWith(`/${partition}`)).map(([, v]) => v),
      ) === 1,
      `partition ${partition} never ran two handlers at once`,
    );
  }
  assert.ok(recorder.maxActive > 1, `partitions ran in parallel (max ${recorder.maxActive} at once)`);
});

test('key ordering: per-key order holds while one partition runs keys concurrently', async () => {
  const topic = uniqueName('order-key');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const count = 2000;
  await produceMessages(kafka.bootstrapServers, topic, count, {
    message: (i) => ({ key: `key-${i % 40}`, value: JSON.stringify({ seq: i }) }),
  });
  const recorder = new Recorder();
  recorder.delayMs = (m) => 1 + (m.value.seq % 4); // 1–4 ms: later messages of other keys overtake
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [handlerFor(topic, group, 'key')],
    container: memberContainer(recorder, 'a'),
    groups: { [group]: fastCommits },
    handleSignals: false,
    logger: quietLogger,
  });
  await app.start();
  try {
    await waitUntil(() => recorder.processed.length >= count, { timeoutMs: 60_000, message: 'all keyed messages' });
  } finally {
    await app.stop();
  }
  assert.deepEqual(recorder.duplicates(), []);
  const seqByKey = new Map<string, number[]>();
  for (const p of recorder.processed) seqByKey.set(p.key as string, [...(seqByKey.get(p.key as string) ?? []), p.seq]);
  assert.equal(seqByKey.size, 40);
  for (const [key, seqs] of seqByKey) {
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      `key ${key} in order`,
    );
    assert.equal(seqs.length, count / 40);
  }
  const overlap = recorder.maxActiveByPartition.get(`${topic}/0`) ?? 0;
  assert.ok(overlap > 1, `one partition ran several keys at once (max ${overlap})`);
  // Completion order differs from offset order: keys really overtook each other.
  const offsets = recorder.processed.map((p) => p.offset);
  assert.notDeepEqual(
    offsets,
    [...offsets].sort((a, b) => a - b),
  );
});
