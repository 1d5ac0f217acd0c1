import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type CommitOffset,
  Consume,
  ConsumerGroup,
  type Message,
  type MessageContext,
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
import { inject } from 'tsyringe';
import { memberContainer, quietLogger, Recorder, sleep } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

/**
 * The demo's duplicates. A third static member joins a cooperative group: the first round revokes
 * a partition from each old member, which then rejoins at once for the second round; that round
 * waits for the newcomer, who learns of it from its next heartbeat (heartbeat.interval.ms, 3 s).
 * Meanwhile the coordinator answers nothing else on the rejoining member's connection (Kafka mutes
 * a connection while a request is pending), so a shutdown commit sent then carries the old
 * generation, is read after the round completed and is refused with ILLEGAL_GENERATION — while
 * the member is in the new generation and still owns its partitions. A static member does not
 * leave: its partitions wait for it (its session) and whoever gets them next starts from the
 * committed offsets. Everything it handled must be committed, and its restart repeats nothing.
 */
test('a static member stopped while a join’s cooperative rebalance is in flight commits everything it handled', async () => {
  const topic = uniqueName('static-stop');
  const group = uniqueName('g');
  const partitions = 6;
  const batch = 600;
  const total = 3 * batch;
  await kafka.createTopic({ name: topic, partitions });
  await produceMessages(kafka.bootstrapServers, topic, batch);

  @ConsumerGroup(group)
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
  /** Which partitions each member owns now (from its own events). */
  const owned = new Map<string, Set<number>>();
  const start = async (member: string, instance = member) => {
    const app = await TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      container: memberContainer(recorder, member),
      // The scenario's only setting: static membership.
      groups: { [group]: { groupInstanceId: `${group}-${instance}` } },
      handleSignals: false,
      logger: quietLogger,
    });
    const mine = new Set<number>();
    owned.set(member, mine);
    app.events.on('partitions.assigned', ({ partitions }) => {
      for (const tp of partitions) mine.add(tp.partition);
    });
    app.events.on('partitions.revoked', ({ partitions }) => {
      for (const tp of partitions) mine.delete(tp.partition);
    });
    await app.start();
    return app;
  };

  const a = await start('a');
  const b = await start('b');
  const apps: TributaryApp[] = [a, b];
  let releaseB = () => {};
  try {
    await waitUntil(() => (owned.get('a')?.size ?? 0) === 3 && (owned.get('b')?.size ?? 0) === 3, {
      timeoutMs: 30_000,
      message: 'a and b share the partitions',
    });
    await waitUntil(() => recorder.distinct() >= batch, { timeoutMs: 30_000, message: 'the first batch handled' });

    // b's handlers wait: its revoke in the join's first round waits for them, so the second round
    // (opened by a, which revokes at once and rejoins) stays open until the test lets b go on.
    const bGate = new Promise<void>((resolve) => {
      releaseB = resolve;
    });
    const bPartitions = new Set(owned.get('b'));
    recorder.gate = (msg) => (bPartitions.has(msg.partition) ? bGate : undefined);
    await produceMessages(kafka.bootstrapServers, topic, batch);
    let revokedAt = 0;
    a.events.once('partitions.revoked', () => {
      revokedAt = performance.now();
    });
    let uncommitted: CommitOffset[] | undefined;
    a.events.once('group.stopped', (e) => {
      uncommitted = e.uncommitted;
    });
    apps.push(await start('c'));
    await waitUntil(() => revokedAt > 0, { timeoutMs: 30_000, message: "the join's first round revokes from a" });
    // a rejoins right after its revoke; its JoinGroup waits for b's, so its connection waits too.
    await sleep(300);
    const kept: TopicPartition[] = [...(owned.get('a') ?? [])].map((partition) => ({ topic, partition }));
    assert.ok(kept.length > 0, 'a keeps partitions through the rebalance');
    // Work that a handles while its JoinGroup waits: its periodic commits wait behind it too.
    const handledBefore = recorder.processed.filter((p) => p.member === 'a').length;
    await produceMessages(kafka.bootstrapServers, topic, batch);
    await waitUntil(() => recorder.processed.filter((p) => p.member === 'a').length > handledBefore + 20, {
      message: 'a at work during the round',
    });
    const stopped = a.stop();
    // The shutdown commit is out (behind a's JoinGroup); now the round may complete.
    await sleep(500);
    releaseB();
    await stopped;
    const handledByA = recorder.processed.filter((p) => p.member === 'a');

    assert.deepEqual(uncommitted, [], 'a stopped with nothing left uncommitted');
    const committed = await committedOffsets(kafka.bootstrapServers, group, topic, partitions);
    for (const { partition } of kept) {
      const last = Math.max(-1, ...handledByA.filter((p) => p.partition === partition).map((p) => p.offset));
      assert.ok(
        (committed[partition] ?? -1001) > last,
        `partition ${partition}: committed ${committed[partition]} covers a's last handled offset ${last}`,
      );
    }

    // The successor of its partitions: a static member restarted gets them back (no rebalance).
    apps.push(await start('a2', 'a'));
    await waitUntil(() => recorder.distinct() >= total, { timeoutMs: 90_000, message: 'every message handled' });
  } finally {
    releaseB();
    await Promise.all(apps.map((app) => app.stop()));
  }
  assert.deepEqual(recorder.duplicates(), [], 'nothing was handled twice');
  assert.equal(recorder.distinct(), total);
});
