import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Consume,
  ConsumerGroup,
  DeserializationError,
  type Message,
  OnPartitionsAssigned,
  OnPartitionsRevoked,
  type TopicPartition,
  TributaryApp,
} from '@tributary/core';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const fast = { commitIntervalMs: 5000 };

test('partition hooks: assigned before the first message, revoked after in-flight work finished and was committed', async () => {
  const topic = uniqueName('hooks');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 3 });
  await produceMessages(kafka.bootstrapServers, topic, 90);
  const log: string[] = [];
  let committedAtRevoke: number[] = [];
  let handled = 0;

  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(_msg: Message) {
      if (!log.includes('first-message')) log.push('first-message');
      await new Promise((resolve) => setTimeout(resolve, 2));
      handled++;
    }
    @OnPartitionsAssigned()
    assigned(partitions: TopicPartition[]) {
      log.push(`assigned:${partitions.map((p) => p.partition).sort()}`);
    }
    @OnPartitionsRevoked()
    async revoked(partitions: TopicPartition[]) {
      log.push(`revoked:${partitions.map((p) => p.partition).sort()}`);
      // The commit interval (5 s) never fired: whatever is committed now was committed by the flush.
      committedAtRevoke = await committedOffsets(kafka.bootstrapServers, group, topic, 3);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    groups: { [group]: fast },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  await waitUntil(() => handled === 90, { message: 'all 90 handled' });
  await app.stop();
  assert.deepEqual(log, ['assigned:0,1,2', 'first-message', 'revoked:0,1,2']);
  assert.equal(
    committedAtRevoke.reduce((a, b) => a + b, 0),
    90,
    `committed before the hook ran: ${committedAtRevoke}`,
  );
});

test('an undecodable message is an error of that message: it is retried, not skipped, and other partitions go on', async () => {
  const topic = uniqueName('decode');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 40, {
    message: (i) => ({ key: null, partition: i % 2, value: i === 4 ? '{not json' : JSON.stringify({ seq: i }) }),
  });
  const handled: number[] = [];
  const failures: Error[] = [];

  @ConsumerGroup(group, { retryBackoffMs: { initial: 20, max: 50 } })
  class Handler {
    @Consume(topic)
    async on(msg: Message<{ seq: number }>) {
      handled.push(msg.value.seq);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    groups: { [group]: { ...fast, commitIntervalMs: 100 } },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  app.events.on('message.failed', (e) => failures.push(e.error));
  await app.start();
  try {
    await waitUntil(() => handled.filter((s) => s % 2 === 1).length === 20 && failures.length >= 3, {
      message: 'partition 1 done, partition 0 stuck at the bad message',
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(
      handled.filter((s) => s % 2 === 0),
      [0, 2],
      'partition 0 stops at the undecodable message (offset 2)',
    );
    assert.ok(failures.every((e) => e instanceof DeserializationError));
    assert.match(failures[0]?.message ?? '', new RegExp(`cannot decode ${topic}/0@2`));
    assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 2), [2, 20]);
  } finally {
    await app.stop();
  }
});
