import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
import { fastCommits, memberContainer, quietLogger, Recorder } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const PARTITIONS = 6;
const TOTAL = 2400;

/** Two members of one group in this process (each its own Kafka consumer over TCP). */
async function scenario(protocol: 'eager' | 'cooperative') {
  const topic = uniqueName(`rebalance-${protocol}`);
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: PARTITIONS });
  await produceMessages(kafka.bootstrapServers, topic, TOTAL, {
    message: (i) => ({ key: `task-${i % 300}`, value: JSON.stringify({ seq: i }) }),
  });

  @ConsumerGroup(group, { ordering: 'key', concurrency: 2, rebalanceProtocol: protocol })
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
  recorder.delayMs = () => 5; // ~400 msgs/s: the rebalance (seconds on the embedded broker) happens mid-stream
  const member = async (name: string) => {
    const app = await TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      container: memberContainer(recorder, name),
      groups: { [group]: fastCommits },
      handleSignals: false,
      logger: quietLogger,
    });
    const assignedAt: number[] = [];
    const revoked: Array<{ at: number; partitions: number[] }> = [];
    // Under cooperative-sticky the first round may hand a joiner nothing: count real assignments.
    app.events.on('partitions.assigned', (e) => e.partitions.length > 0 && assignedAt.push(Date.now()));
    app.events.on('partitions.revoked', (e) =>
      revoked.push({ at: Date.now(), partitions: e.partitions.map((p) => p.partition) }),
    );
    await app.start();
    return { app, assignedAt, revoked };
  };
  return { topic, group, recorder, member };
}

for (const protocol of ['eager', 'cooperative'] as const) {
  describe(`${protocol} rebalancing`, () => {
    test('a member joining mid-stream: everything handled once', async () => {
      const { topic, group, recorder, member } = await scenario(protocol);
      const a = await member('a');
      await waitUntil(() => recorder.processed.length >= 300, { message: 'a under way' });
      const joinedAt = Date.now();
      const b = await member('b');
      try {
        await waitUntil(() => b.assignedAt.length > 0 && recorder.processed.some((p) => p.member === 'b'), {
          timeoutMs: 30_000,
          message: 'b got partitions and processed',
        });
        await waitUntil(() => recorder.distinct() >= TOTAL, {
          timeoutMs: 60_000,
          message: () => `all ${TOTAL} (have ${recorder.distinct()})`,
        });
      } finally {
        await Promise.all([a.app.stop(), b.app.stop()]);
      }
      assert.deepEqual(recorder.duplicates(), [], 'no message handled twice');
      assert.equal(recorder.distinct(), TOTAL);
      assert.deepEqual(
        await committedOffsets(kafka.bootstrapServers, group, topic, PARTITIONS),
        await endOffsets(kafka.bootstrapServers, topic, PARTITIONS),
      );
      const revokedFromA = new Set(a.revoked.flatMap((r) => r.partitions));
      if (protocol === 'eager') {
        assert.equal(revokedFromA.size, PARTITIONS, 'eager revokes everything');
      } else {
        assert.ok(
          revokedFromA.size > 0 && revokedFromA.size < PARTITIONS,
          `cooperative moves only some (${[...revokedFromA]})`,
        );
        // Partitions a kept were processed while the group rebalanced (join → b's assignment).
        const window = { from: joinedAt, to: b.assignedAt[0] as number };
        const keptDuring = recorder.processed.filter(
          (p) => p.member === 'a' && !revokedFromA.has(p.partition) && p.endedAt > window.from && p.endedAt < window.to,
        );
        assert.ok(
          keptDuring.length > 0,
          `a kept processing its other partitions during the ${window.to - window.from} ms rebalance`,
        );
      }
    });

    test('a member leaving gracefully mid-stream: everything handled once', async () => {
      const { topic, group, recorder, member } = await scenario(protocol);
      const a = await member('a');
      const b = await member('b');
      try {
        await waitUntil(
          () => recorder.processed.some((p) => p.member === 'a') && recorder.processed.some((p) => p.member === 'b'),
          {
            timeoutMs: 30_000,
            message: 'both members processing',
          },
        );
        await waitUntil(() => recorder.processed.length >= 800, { message: 'mid-stream' });
        await b.app.stop();
        const leftAt = Date.now();
        await waitUntil(() => recorder.distinct() >= TOTAL, {
          timeoutMs: 60_000,
          message: () => `all ${TOTAL} (have ${recorder.distinct()})`,
        });
        assert.ok(recorder.processed.some((p) => p.member === 'a' && p.startedAt > leftAt));
      } finally {
        await Promise.all([a.app.stop(), b.app.stop()]);
      }
      assert.deepEqual(recorder.duplicates(), []);
      assert.deepEqual(
        await committedOffsets(kafka.bootstrapServers, group, topic, PARTITIONS),
        await endOffsets(kafka.bootstrapServers, topic, PARTITIONS),
      );
    });
  });
}
