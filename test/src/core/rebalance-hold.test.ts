import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKey, KafkaErrorCode } from '@tributary/broker';
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
import { fastGroup, memberContainer, quietLogger, Recorder } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const PARTITIONS = 3;
const BATCH = 300;

/**
 * New partitions are probed with a commit before they start: a coordinator that refuses it has
 * started another round, and fetching would repeat what the previous owners could not commit yet.
 * Here the refusals are injected while the group is in fact stable, so the hold must end by itself
 * and the partitions start exactly at the committed offsets: nothing repeated, nothing skipped.
 */
for (const protocol of ['eager', 'cooperative'] as const)
  test(`${protocol}: new partitions whose probe commit is refused are held unstarted, then started at the committed offsets`, async (t) => {
    await heldThenReleased(t, protocol);
  });

async function heldThenReleased(t: { skip(message: string): void }, protocol: 'eager' | 'cooperative') {
  const broker = kafka.embedded;
  if (!broker) return t.skip('needs the embedded broker to inject commit refusals');
  const topic = uniqueName('hold');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: PARTITIONS });
  const produce = (from: number) =>
    produceMessages(kafka.bootstrapServers, topic, BATCH, {
      message: (i) => ({ key: `k-${from + i}`, value: JSON.stringify({ seq: from + i }) }),
    });

  @ConsumerGroup(group, { rebalanceProtocol: protocol })
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
  const member = (name: string) =>
    TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      container: memberContainer(recorder, name),
      groups: { [group]: fastGroup },
      handleSignals: false,
      logger: quietLogger,
    });

  // A first member consumes and commits the first batch, so the group has committed offsets.
  await produce(0);
  const first = await member('first');
  await first.start();
  await waitUntil(() => recorder.distinct() >= BATCH, { message: 'first batch consumed' });
  await first.stop();

  await produce(BATCH);
  // The next three commits are refused as if a rebalance were under way: the new member's probe
  // and its first two re-probes.
  await broker.injectErrors(ApiKey.OffsetCommit, [
    KafkaErrorCode.REBALANCE_IN_PROGRESS,
    KafkaErrorCode.REBALANCE_IN_PROGRESS,
    KafkaErrorCode.REBALANCE_IN_PROGRESS,
  ]);
  const second = await member('second');
  const held: number[] = [];
  const released: number[] = [];
  second.events.on('partitions.held', (e) => held.push(e.partitions.length));
  second.events.on('partitions.released', (e) => released.push(e.partitions.length));
  let releasedAt = 0;
  second.events.on('partitions.released', () => {
    releasedAt = Date.now();
  });
  await second.start();
  try {
    await waitUntil(() => recorder.distinct() >= 2 * BATCH, {
      timeoutMs: 30_000,
      message: () => `all ${2 * BATCH} (have ${recorder.distinct()})`,
    });
  } finally {
    await second.stop();
  }

  assert.deepEqual(held, [PARTITIONS], 'the new partitions were held once');
  assert.deepEqual(released, [PARTITIONS], 'and released once the coordinator accepted the probe');
  const bySecond = recorder.processed.filter((p) => p.member === 'second');
  assert.ok(
    bySecond.every((p) => p.startedAt >= releasedAt),
    'nothing was handled while the assignment was held',
  );
  assert.deepEqual(recorder.duplicates(), [], 'the held partitions started at the committed offsets');
  assert.deepEqual(
    bySecond.map((p) => p.seq).sort((a, b) => a - b),
    Array.from({ length: BATCH }, (_, i) => BATCH + i),
    'the second member handled exactly the second batch',
  );
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, topic, PARTITIONS),
    await endOffsets(kafka.bootstrapServers, topic, PARTITIONS),
  );
}
