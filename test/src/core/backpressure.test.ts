import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import { produceMessages, startTestKafka, type TestKafka, uniqueName } from '@tributary/testing';
import { inject } from 'tsyringe';
import { memberContainer, quietLogger, Recorder, sleep } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('a 200,000-message backlog with a slow handler: memory stays bounded and the member stays in the group', async (t) => {
  const topic = uniqueName('backlog');
  const group = uniqueName('g');
  const partitions = 12;
  const maxInFlight = 120;
  await kafka.createTopic({ name: topic, partitions });
  const started = Date.now();
  await produceMessages(kafka.bootstrapServers, topic, 200_000, {
    message: (i) => ({ key: `k-${i % 1000}`, value: JSON.stringify({ seq: i }) }),
  });
  t.diagnostic(`produced 200,000 in ${Date.now() - started} ms`);

  @ConsumerGroup(group, { ordering: 'partition', maxInFlight, maxBufferedPerPartition: 20 })
  class Slow {
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
  // 10 ms per message, and one message that takes longer than max.poll.interval.ms itself.
  recorder.delayMs = (m) => (m.partition === 3 && m.offset === 5 ? 7_000 : 10);
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Slow],
    container: memberContainer(recorder, 'a'),
    // librdkafka requires session.timeout.ms ≤ max.poll.interval.ms: the short poll interval under
    // test brings the session down with it.
    groups: { [group]: { sessionTimeoutMs: 6000, maxPollIntervalMs: 6000 } },
    handleSignals: false,
    logger: quietLogger,
  });
  const membershipEvents: string[] = [];
  let paused = 0;
  app.events.on('partitions.revoked', () => membershipEvents.push('revoked'));
  app.events.on('partitions.lost', () => membershipEvents.push('lost'));
  app.events.on('partition.paused', () => paused++);
  let maxSeen = 0;
  await app.start();
  const samples: number[] = [];
  try {
    for (let second = 0; second < 12; second++) {
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        maxSeen = Math.max(maxSeen, app.stats()[0]?.inMemory ?? 0);
      }
      samples.push(recorder.processed.length);
    }
  } finally {
    await app.stop();
  }
  const stats = app.stats()[0];
  t.diagnostic(`processed per second: ${samples.join(', ')}; max in memory ${stats?.maxInMemory}; pauses ${paused}`);
  assert.ok(
    (stats?.maxInMemory ?? Infinity) <= maxInFlight,
    `pipeline's own peak ${stats?.maxInMemory} ≤ maxInFlight ${maxInFlight}`,
  );
  assert.ok(maxSeen <= maxInFlight);
  assert.ok(paused > 0, 'partitions were paused at the consumer');
  assert.deepEqual(
    membershipEvents,
    [],
    'never revoked or lost: the member stayed in the group (max.poll.interval.ms 6 s, one handler took 7 s)',
  );
  assert.ok(
    recorder.processed.some((p) => p.partition === 3 && p.offset === 5),
    'the 7 s handler finished',
  );
  assert.ok((samples.at(-1) ?? 0) - (samples.at(-4) ?? 0) > 100, 'still making progress at the end');
  assert.ok((stats?.received ?? 0) < 200_000, 'the backlog was not pulled into memory');
});
