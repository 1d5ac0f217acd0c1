import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, ControlError, type Message, type MessageContext, TributaryApp } from '@tributary/core';
import { TributaryMetrics } from '@tributary/metrics';
import { retry } from '@tributary/middleware';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { quietLogger, sleep } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  timestamp: number;
}

/** An app with one handler class whose method records what it handled (and may wait or pause). */
async function startApp(
  group: string,
  topic: string,
  options: {
    ordering?: 'partition' | 'key';
    work?: (msg: Message, ctx: MessageContext) => Promise<void>;
    beforeStart?: (app: TributaryApp) => void;
  } = {},
) {
  const seen: Seen[] = [];
  @ConsumerGroup(group, { ordering: options.ordering ?? 'partition' })
  class Handler {
    @Consume({ topic, decoder: 'string' })
    async on(msg: Message, ctx: MessageContext) {
      await options.work?.(msg, ctx);
      seen.push({ partition: msg.partition, offset: msg.offset, key: msg.key, timestamp: msg.timestamp });
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger: quietLogger,
    middleware: [retry({ maxAttempts: 3, initialDelayMs: 10 })],
  });
  options.beforeStart?.(app);
  await app.start();
  return { app, seen };
}

const onPartition = (seen: Seen[], p: number) => seen.filter((s) => s.partition === p).map((s) => s.offset);

test('app.pause holds one partition (in-memory work still finishes and is committed, nothing past it); resume delivers the rest, each once', async () => {
  const topic = uniqueName('ctl-pause');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  const perPartition = (i: number) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 });
  await produceMessages(kafka.bootstrapServers, topic, 400, { message: perPartition });
  const { app, seen } = await startApp(group, topic, {
    work: async () => {
      await sleep(2);
    },
  });
  try {
    await waitUntil(() => onPartition(seen, 0).length >= 20, { message: 'partition 0 under way' });
    const held = app.pause({ group, topic, partition: 0 });
    assert.deepEqual(held, [{ topic, partition: 0 }]);
    assert.deepEqual(app.stats()[0]?.held, [{ topic, partition: 0 }]);
    // What was already in memory drains; then partition 0 stands still.
    let last = -1;
    await waitUntil(
      async () => {
        const now = onPartition(seen, 0).length;
        const stable = now === last;
        last = now;
        return stable;
      },
      { intervalMs: 500, message: 'partition 0 stops' },
    );
    const handledWhileHeld = onPartition(seen, 0).length;
    await produceMessages(kafka.bootstrapServers, topic, 100, { message: perPartition });
    await waitUntil(() => onPartition(seen, 1).length === 250, { message: 'partition 1 goes on, new messages too' });
    assert.equal(onPartition(seen, 0).length, handledWhileHeld, 'nothing new on the held partition');
    await waitUntil(
      async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 2))[0] === handledWhileHeld,
      { message: 'what was handled on partition 0 is committed, and not one offset more' },
    );

    app.resume({ group, topic, partition: 0 });
    await waitUntil(() => onPartition(seen, 0).length === 250, { message: 'partition 0 catches up after resume' });
    for (const p of [0, 1]) {
      const offsets = onPartition(seen, p);
      assert.deepEqual(offsets, [...offsets.keys()], `partition ${p}: every offset once, in order`);
    }
    await waitUntil(
      async () =>
        JSON.stringify(await committedOffsets(kafka.bootstrapServers, group, topic, 2)) ===
        JSON.stringify(await endOffsets(kafka.bootstrapServers, topic, 2)),
      { message: 'commits at the log end' },
    );
  } finally {
    await app.stop();
  }
});

test('a topic paused before start holds the partitions assigned later, until resume', async () => {
  const topic = uniqueName('ctl-prestart');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 50);
  const { app, seen } = await startApp(group, topic, { beforeStart: (a) => a.pause({ group, topic }) });
  try {
    await waitUntil(() => (app.stats()[0]?.assigned.length ?? 0) === 2, { message: 'assigned' });
    await sleep(1_000);
    assert.equal(seen.length, 0, 'nothing fetched while the topic is held');
    app.resume({ group, topic });
    await waitUntil(() => seen.length === 50, { message: 'all 50 after resume' });
  } finally {
    await app.stop();
  }
});

test('seek backwards rewinds the committed offset at once and replays in order; forwards skips; by timestamp; not owned → ControlError', async () => {
  const topic = uniqueName('ctl-seek');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  // Two batches 50 ms apart: offsets 100.. have later timestamps than 0..99.
  await produceMessages(kafka.bootstrapServers, topic, 100);
  await sleep(50);
  await produceMessages(kafka.bootstrapServers, topic, 100);
  const seeks: unknown[] = [];
  const { app, seen } = await startApp(group, topic);
  app.events.on('control.seeked', (e) => seeks.push(e));
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  try {
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 200, {
      message: 'all 200 handled and committed',
    });
    const moved = await app.seek({ group, topic, partition: 0, offset: 50 });
    assert.deepEqual(moved, { from: 200, to: 50 });
    assert.deepEqual(seeks, [{ groupId: group, topic, partition: 0, from: 200, to: 50, rewound: true }]);
    assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 1), [50], 'the rewind is committed');
    await waitUntil(() => seen.length === 350, { message: 'offsets 50..199 handled again' });
    assert.deepEqual(
      seen.slice(200).map((s) => s.offset),
      Array.from({ length: 150 }, (_, i) => 50 + i),
    );

    // By timestamp: the first offset whose timestamp is at or after that of offset 120.
    const ts = seen.find((s) => s.offset === 120)?.timestamp as number;
    const expected = seen.find((s) => s.timestamp >= ts)?.offset;
    assert.ok((expected as number) >= 100, `the timestamp is the second batch's (offset ${expected})`);
    assert.equal((await app.seek({ group, topic, partition: 0, timestamp: ts })).to, expected);
    await waitUntil(() => seen.length === 350 + (200 - (expected as number)), {
      message: 'replayed from the timestamp',
    });

    const text = await metrics.metrics();
    assert.match(text, new RegExp(`tributary_control_actions_total\\{group="${group}",action="rewound"\\} 2`));
    await assert.rejects(app.seek({ group, topic, partition: 7, offset: 0 }), ControlError);
    await assert.rejects(app.seek({ group: 'nope', topic, partition: 0, offset: 0 }), ControlError);
  } finally {
    await app.stop();
  }
});

test('seek forwards while handlers run: what ran finishes, the queue is dropped, the messages in between are skipped', async () => {
  const topic = uniqueName('ctl-skip');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 300);
  const { app, seen } = await startApp(group, topic, {
    work: async () => {
      await sleep(5);
    },
  });
  try {
    await waitUntil(() => seen.length >= 20, { message: 'under way' });
    await app.seek({ group, topic, partition: 0, offset: 250 });
    const before = seen.filter((s) => s.offset < 250).length;
    await waitUntil(() => seen.filter((s) => s.offset >= 250).length === 50, { message: '250..299 handled' });
    const offsets = seen.map((s) => s.offset);
    assert.equal(new Set(offsets).size, offsets.length, 'nothing handled twice');
    assert.deepEqual(offsets.slice(0, before), [...Array(before).keys()], 'before the seek: a prefix, in order');
    assert.ok(before < 250, 'the seek skipped messages');
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 300, {
      message: 'committed at the end',
    });
  } finally {
    await app.stop();
  }
});

test('ctx.pause(ms) backs off one key lane: the message is not failed nor committed, other keys flow, then it runs again', async () => {
  const topic = uniqueName('ctl-ctx-pause');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  // Offset 0 is key "slow"; offsets 1..20 key "fast"; offset 21 is "slow" again.
  await produceMessages(kafka.bootstrapServers, topic, 22, {
    message: (i) => ({ key: i === 0 || i === 21 ? 'slow' : 'fast', value: `v${i}` }),
  });
  const paused: unknown[] = [];
  let pausedOnce = false;
  const attempts: number[] = [];
  const { app, seen } = await startApp(group, topic, {
    ordering: 'key',
    work: async (msg, ctx) => {
      if (msg.offset !== 0) return;
      attempts.push(ctx.attempt);
      if (!pausedOnce) {
        pausedOnce = true;
        ctx.pause(1_500);
      }
    },
  });
  app.events.on('message.paused', (e) => paused.push(e));
  try {
    await waitUntil(() => seen.filter((s) => s.key === 'fast').length === 20, { message: 'the other key flows' });
    assert.equal(seen.filter((s) => s.key === 'slow').length, 0, 'the paused lane waits: its two messages not yet');
    const committedWhilePaused = (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] as number;
    assert.ok(
      committedWhilePaused <= 0,
      `nothing committed past the paused message (committed ${committedWhilePaused})`,
    );
    await waitUntil(() => seen.length === 22, { message: 'the paused message ran again, then its successor' });
    assert.deepEqual(
      seen.filter((s) => s.key === 'slow').map((s) => s.offset),
      [0, 21],
      'key order kept',
    );
    assert.deepEqual(attempts, [1, 1], 'a pause is not a failed attempt (retry did not count it)');
    assert.deepEqual(paused, [{ groupId: group, topic, partition: 0, offset: 0, ms: 1_500 }]);
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 22, {
      message: 'committed at the end',
    });
  } finally {
    await app.stop();
  }
});
