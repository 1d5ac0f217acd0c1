import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { inject } from 'tsyringe';
import { fastCommits, memberContainer, Recorder, sleep } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

async function startApp(topic: string, group: string, recorder: Recorder) {
  @ConsumerGroup(group, { ordering: 'unordered', concurrency: 50, retryBackoffMs: { initial: 50, max: 200 } })
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
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    container: memberContainer(recorder, 'a'),
    groups: { [group]: fastCommits },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  return app;
}

test('out-of-order completion: the committed offset waits for an unfinished message, then catches up', async () => {
  const topic = uniqueName('ooo');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 100);
  const recorder = new Recorder();
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  recorder.gate = (m) => (m.offset === 10 ? held : undefined);
  const app = await startApp(topic, group, recorder);
  try {
    await waitUntil(() => recorder.processed.length === 99, { message: '99 of 100 done around the held one' });
    await sleep(fastCommits.commitIntervalMs * 4); // several commit rounds pass
    assert.deepEqual(
      await committedOffsets(kafka.bootstrapServers, group, topic, 1),
      [10],
      'held at the unfinished offset 10',
    );
    release();
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 100, {
      message: 'commit reaches 100 once offset 10 finished',
    });
  } finally {
    release();
    await app.stop();
  }
});

test('a failing message is never committed past, even when everything after it succeeded', async () => {
  const topic = uniqueName('failing');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 60);
  const recorder = new Recorder();
  let healthy = false;
  recorder.failWhen = (m) => m.offset === 25 && !healthy;
  const failures: number[] = [];
  const app = await startApp(topic, group, recorder);
  app.events.on('message.failed', (e) => failures.push(e.offset));
  try {
    await waitUntil(() => recorder.processed.length === 59 && failures.length >= 3, {
      message: '59 done and offset 25 failing repeatedly',
    });
    await sleep(fastCommits.commitIntervalMs * 4);
    assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 1), [25]);
    assert.ok(failures.every((o) => o === 25));
    assert.equal(app.stats()[0]?.inMemory, 1, 'only the failing message is still held');
    healthy = true; // the downstream recovers: the core retry gets it through
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 60, {
      message: 'commit passes 25 after recovery',
    });
    assert.equal(recorder.distinct(), 60);
  } finally {
    await app.stop();
  }
});
