/**
 * Exactly-once consume-transform-produce (`@Consume({ transactional: true })`) on the embedded
 * broker over TCP: each input message's output is seen exactly once by a read_committed reader of
 * the output topic, across a SIGKILL of the consuming process and across a revoke mid-stream.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KafkaConsumer } from '@confluentinc/kafka-javascript';
import { Consume, ConsumerGroup, type Message, type TransactionalContext, TributaryApp } from '@tributary/core';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';

const PARTITIONS = 4;
let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

/**
 * Every output value on `topic` as an `isolation.level` reader sees it: read from the beginning
 * until `expected` arrived and nothing more came for 2 s (so duplicates after the last new one
 * are counted too).
 */
async function readOutput(
  topic: string,
  expected: number,
  isolation = 'read_committed',
  timeoutMs = 90_000,
): Promise<string[]> {
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': kafka.bootstrapServers,
      'group.id': uniqueName('reader'),
      'enable.auto.commit': false,
      'isolation.level': isolation,
      log_level: 3,
    } as never,
    {},
  );
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  consumer.setDefaultConsumeTimeout(100);
  consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 0 })));
  const values: string[] = [];
  let lastNewAt = performance.now();
  const deadline = performance.now() + timeoutMs;
  try {
    while (performance.now() < deadline) {
      const batch = await new Promise<{ value?: Buffer | null }[]>((resolve, reject) =>
        consumer.consume(500, (err, messages) => (err ? reject(err) : resolve(messages))),
      );
      if (batch.length > 0) lastNewAt = performance.now();
      for (const m of batch) values.push(JSON.parse(String(m.value)).src);
      if (values.length >= expected && performance.now() - lastNewAt > 2_000) break;
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  return values;
}

function exactlyOnce(values: string[], inputTopic: string, count: number): void {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([src, n]) => `${src}×${n}`);
  assert.deepEqual(duplicated.slice(0, 10), [], `duplicated outputs (${duplicated.length})`);
  const missing = values.length < count ? count - seen.size : 0;
  assert.equal(missing, 0, `missing outputs: ${missing}`);
  assert.equal(seen.size, count, 'one output per input');
  for (const src of seen.keys()) assert.ok(src.startsWith(`${inputTopic}/`), src);
}

function startChild(
  group: string,
  input: string,
  output: string,
  instance = 'pod-1',
): { child: ChildProcess; handled: () => number; assigned: () => number } {
  const fixture = join(__dirname, '..', 'fixtures', 'txn-app.js');
  const child = spawn(process.execPath, [fixture, kafka.bootstrapServers, group, input, output, instance], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let handled = 0;
  let assigned = 0;
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    const lines = String(d).split('\n');
    handled += lines.filter((l) => l.startsWith('handled')).length;
    assigned += lines.filter((l) => l.startsWith('assigned') && l !== 'assigned 0').length;
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`txn-app exited ${code}: ${stderr}\n`);
  });
  return { child, handled: () => handled, assigned: () => assigned };
}

test('SIGKILL mid-stream, then a restart: a read_committed reader sees every input exactly once', async () => {
  const input = uniqueName('txn-in');
  const output = uniqueName('txn-out');
  const group = uniqueName('txn');
  const count = 600;
  await kafka.createTopic({ name: input, partitions: PARTITIONS });
  await kafka.createTopic({ name: output, partitions: PARTITIONS });
  await produceMessages(kafka.bootstrapServers, input, count);

  const first = startChild(group, input, output);
  const second: { child?: ChildProcess } = {};
  try {
    await waitUntil(() => first.handled() >= 150 || first.child.exitCode !== null, {
      timeoutMs: 60_000,
      message: () => `the first instance to handle 150 messages (handled ${first.handled()})`,
    });
    assert.equal(first.child.exitCode, null, 'the first instance is running');
    first.child.kill('SIGKILL'); // mid-stream: its open transaction has output but no commit
    const handledBeforeKill = first.handled();
    assert.ok(handledBeforeKill < count, 'killed before the end');

    // The same instance restarts (static membership): its producer fences the killed one and its
    // InitProducerId aborts the open transaction.
    second.child = startChild(group, input, output).child;
    const values = await readOutput(output, count);
    exactlyOnce(values, input, count);
    const ends = await endOffsets(kafka.bootstrapServers, input, PARTITIONS);
    await waitUntil(
      async () =>
        (await committedOffsets(kafka.bootstrapServers, group, input, PARTITIONS)).every((o, p) => o === ends[p]),
      { timeoutMs: 30_000, message: 'the group committed (through the transactions) every input offset' },
    );
    const uncommitted = await readOutput(output, count, 'read_uncommitted');
    // The killed instance's open transaction had output written (its transactions are long): the
    // broker aborted it, and only a read_uncommitted reader sees that output.
    assert.ok(uncommitted.length > count, `read_uncommitted saw ${uncommitted.length} outputs for ${count} inputs`);
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
    if (second.child && second.child.exitCode === null) second.child.kill('SIGKILL');
  }
});

test('dynamic members: one is SIGKILLed mid-stream; the broker aborts its transaction, the other takes its partitions; exactly once', async () => {
  const input = uniqueName('txn-dyn-in');
  const output = uniqueName('txn-dyn-out');
  const group = uniqueName('txn-dyn');
  const count = 800;
  await kafka.createTopic({ name: input, partitions: PARTITIONS });
  await kafka.createTopic({ name: output, partitions: PARTITIONS });
  // No instance id: each process has its own transactional.id, so nothing fences the killed one's
  // open transaction but its timeout (10 s); its partitions move after its session (45 s).
  const victim = startChild(group, input, output, '-');
  let survivor: ReturnType<typeof startChild> | undefined;
  try {
    await waitUntil(() => victim.assigned() > 0, { timeoutMs: 30_000, message: 'the first member assigned' });
    survivor = startChild(group, input, output, '-');
    const joined = survivor;
    await waitUntil(() => joined.assigned() > 0, { timeoutMs: 30_000, message: 'the second member assigned' });
    await produceMessages(kafka.bootstrapServers, input, count); // both own partitions now
    await waitUntil(() => victim.handled() >= 60 && joined.handled() >= 60, {
      timeoutMs: 60_000,
      message: () => `both members to handle messages (${victim.handled()}, ${joined.handled()})`,
    });
    victim.child.kill('SIGKILL');
    const values = await readOutput(output, count, 'read_committed', 120_000);
    exactlyOnce(values, input, count);
    assert.ok((await readOutput(output, count, 'read_uncommitted')).length > count, 'the killed one had output open');
  } finally {
    for (const c of [victim.child, survivor?.child]) if (c && c.exitCode === null) c.kill('SIGKILL');
  }
});

test('a second member joins mid-stream: the revoke completes the open transaction; nothing lost or duplicated', async () => {
  const input = uniqueName('txn-rv-in');
  const output = uniqueName('txn-rv-out');
  const group = uniqueName('txn-rv');
  const count = 800;
  await kafka.createTopic({ name: input, partitions: PARTITIONS });
  await kafka.createTopic({ name: output, partitions: PARTITIONS });
  await produceMessages(kafka.bootstrapServers, input, count);
  let handled = 0;
  let failedOnce = 0;
  const failed = new Set<string>();

  @ConsumerGroup(group, { fromBeginning: true, retryBackoffMs: { initial: 10, max: 50 } })
  class Transform {
    @Consume({ topic: input, transactional: true })
    async on(msg: Message<{ seq: number }>, ctx: TransactionalContext) {
      const src = `${msg.topic}/${msg.partition}@${msg.offset}`;
      ctx.send({ topic: output, key: msg.key, value: JSON.stringify({ src }) });
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Every 50th message fails its first attempt after sending: that attempt's output must not appear.
      if (msg.value.seq % 50 === 0 && !failed.has(src)) {
        failed.add(src);
        failedOnce += 1;
        throw new Error('first attempt fails');
      }
      handled += 1;
    }
  }

  const create = () =>
    TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Transform],
      handleSignals: false,
      logger: { level: 'fatal' }, // the failing first attempts log errors, as they should
    });
  const one = await create();
  const two = await create();
  try {
    await one.start();
    await waitUntil(() => handled >= 80, { timeoutMs: 60_000, message: () => `80 handled (${handled})` });
    let revoked = 0;
    one.events.on('partitions.revoked', () => {
      revoked += 1;
    });
    await two.start(); // joins mid-stream: the first member's revoke flushes its open transaction
    await waitUntil(() => revoked > 0, { timeoutMs: 30_000, message: 'the first member to go through a revoke' });
    assert.ok(handled < count, 'the revoke came mid-stream');
    const values = await readOutput(output, count);
    exactlyOnce(values, input, count);
    assert.ok(failedOnce > 0, 'some first attempts failed');
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
});

test('a produce that fails mid-message aborts the transaction and rewinds its partitions: still exactly once', async () => {
  const input = uniqueName('txn-ab-in');
  const output = uniqueName('txn-ab-out');
  const group = uniqueName('txn-ab');
  const count = 300;
  await kafka.createTopic({ name: input, partitions: PARTITIONS });
  await kafka.createTopic({ name: output, partitions: PARTITIONS });
  await produceMessages(kafka.bootstrapServers, input, count);
  const tooLarge = new Set<string>();
  const huge = Buffer.alloc(2_000_000); // over the producer's message.max.bytes: produce() refuses it

  @ConsumerGroup(group, { fromBeginning: true, retryBackoffMs: { initial: 10, max: 50 } })
  class Transform {
    @Consume({ topic: input, transactional: true })
    async on(msg: Message<{ seq: number }>, ctx: TransactionalContext) {
      const src = `${msg.topic}/${msg.partition}@${msg.offset}`;
      ctx.send({ topic: output, key: msg.key, value: JSON.stringify({ src }) });
      if (msg.value.seq % 97 === 13 && !tooLarge.has(src)) {
        tooLarge.add(src); // the first output above is in the transaction when the second fails
        ctx.send({ topic: output, key: msg.key, value: huge });
      }
    }
  }

  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Transform],
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  let aborted = 0;
  app.events.on('offsets.commit-failed', () => {
    aborted += 1;
  });
  try {
    await app.start();
    const values = await readOutput(output, count);
    exactlyOnce(values, input, count);
    assert.ok(tooLarge.size >= 3, 'some messages failed mid-output');
    assert.ok(aborted >= 1, 'their transactions were aborted');
  } finally {
    await app.stop();
  }
});
