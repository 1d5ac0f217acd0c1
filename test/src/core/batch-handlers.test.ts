import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchContext,
  ConsumeBatch,
  ConsumerGroup,
  HandlerRegistrationError,
  type Message,
  type MiddlewareFn,
  TributaryApp,
} from '@tributary/core';
import { DlqHeader, deadLetter, retry, TributaryProducer } from '@tributary/middleware';
import {
  committedOffsets,
  produceMessages,
  readTopic,
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

type Seq = { seq: number };
interface Run {
  partition: number;
  offsets: number[];
  keys: Array<string | null>;
  ok: boolean;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function startApp(handler: Function, middleware: MiddlewareFn[] = []) {
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [handler],
    middleware,
    handleSignals: false,
    logger: quietLogger,
  });
  await app.start();
  return app;
}

/** Samples the committed offsets while `during` runs: the highest value seen per partition. */
async function highestCommitted(group: string, topic: string, partitions: number, during: Promise<unknown>) {
  const highest = new Array<number>(partitions).fill(-1001);
  let running = true;
  void during.finally(() => {
    running = false;
  });
  while (running) {
    const now = await committedOffsets(kafka.bootstrapServers, group, topic, partitions);
    now.forEach((o, p) => {
      highest[p] = Math.max(highest[p] as number, o);
    });
    await sleep(100);
  }
  return highest;
}

test('partition ordering: batches of one partition in offset order; a partial resolve commits its prefix and the rest is retried', async () => {
  const topic = uniqueName('batch-p');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 80, {
    message: (i) => ({ key: `k${i}`, value: JSON.stringify({ seq: i }), partition: i % 2 }),
  });
  const runs: Run[] = [];
  const held = gate();
  let holding = false;
  let failedOnce = false;

  @ConsumerGroup(group)
  class Tasks {
    @ConsumeBatch({ topic, maxSize: 10 })
    async on(messages: Message<Seq>[], ctx: BatchContext<Seq>) {
      const run: Run = {
        partition: messages[0]?.partition as number,
        offsets: messages.map((m) => m.offset),
        keys: messages.map((m) => m.key),
        ok: false,
      };
      runs.push(run);
      if (run.partition === 0 && run.offsets.includes(12) && !failedOnce) {
        failedOnce = true;
        ctx.resolve(11); // everything up to 11 is done; 12 and after are not
        holding = true;
        await held.opened;
        throw new Error('the rest of this batch fails once');
      }
      run.ok = true;
    }
  }
  const app = await startApp(Tasks);
  try {
    await waitUntil(() => holding, { message: 'the batch holding offset 12 of partition 0' });
    // Partition 1 goes on and completes while partition 0's batch is held.
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 2))[1] === 40, {
      timeoutMs: 20_000,
      message: 'partition 1 committed to its end while partition 0 is held',
    });
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 2))[0] === 12, {
      message: 'the resolved prefix of partition 0 committed',
    });
    // Held for three commit intervals: the commit never passes the unresolved offset 12.
    const highest = await highestCommitted(group, topic, 2, sleep(3_000));
    assert.equal(highest[0], 12, 'partition 0 committed past an unresolved message');
    held.open();
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 2))[0] === 40, {
      timeoutMs: 20_000,
      message: 'partition 0 committed to its end after the retry',
    });
  } finally {
    await app.stop();
  }
  for (const run of runs) {
    assert.ok(run.offsets.length >= 1 && run.offsets.length <= 10, `batch size ${run.offsets.length}`);
    run.offsets.forEach((o, i) => {
      if (i > 0) assert.equal(o, (run.offsets[i - 1] as number) + 1, `a gap or disorder in ${run.offsets}`);
    });
    for (const k of run.keys) assert.equal(Number(k?.slice(1)) % 2, run.partition, 'a batch mixes partitions');
  }
  const failed = runs.find((r) => !r.ok) as Run;
  const rerun = runs.find((r) => r.ok && r.partition === 0 && r.offsets.includes(12)) as Run;
  assert.equal(rerun.offsets[0], 12, 'the retry starts at the first unresolved message');
  assert.ok(runs.indexOf(rerun) > runs.indexOf(failed));
  // Every offset ran successfully (or was resolved) exactly once.
  for (const partition of [0, 1]) {
    const done = runs
      .filter((r) => r.partition === partition)
      .flatMap((r) => (r.ok ? r.offsets : r.offsets.filter((o) => o <= 11)));
    assert.deepEqual(
      done.sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
      `partition ${partition}`,
    );
  }
});

test('key ordering: batches of one key; another key completes meanwhile and the commit stops at the first unresolved offset', async () => {
  const topic = uniqueName('batch-k');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  // Offsets 0 and 1 are key "fast"; then "slow" at even offsets and "fast" at odd ones.
  const keyOf = (i: number) => (i >= 2 && i % 2 === 0 ? 'slow' : 'fast');
  await produceMessages(kafka.bootstrapServers, topic, 20, {
    message: (i) => ({ key: keyOf(i), value: JSON.stringify({ seq: i }) }),
  });
  const runs: Run[] = [];
  const held = gate();
  let heldBatch: number[] | undefined;

  @ConsumerGroup(group)
  class Keys {
    @ConsumeBatch({ topic, ordering: 'key', maxSize: 5, maxWaitMs: 200 })
    async on(messages: Message<Seq>[], ctx: BatchContext<Seq>) {
      const run: Run = {
        partition: 0,
        offsets: messages.map((m) => m.offset),
        keys: messages.map((m) => m.key),
        ok: false,
      };
      runs.push(run);
      if (messages[0]?.key === 'slow' && !heldBatch) {
        heldBatch = run.offsets;
        ctx.resolve(run.offsets[0] as number);
        await held.opened;
      }
      run.ok = true;
    }
  }
  const app = await startApp(Keys);
  try {
    await waitUntil(() => heldBatch !== undefined, { message: 'the first batch of key "slow"' });
    const batch = heldBatch as number[];
    assert.ok(batch.length >= 2, `the held batch ${batch} has a second, unresolved message`);
    const firstUnresolved = batch[1] as number;
    await waitUntil(() => runs.filter((r) => r.ok && r.keys[0] === 'fast').flatMap((r) => r.offsets).length === 11, {
      message: 'every "fast" message handled while "slow" is held',
    });
    await waitUntil(
      async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === firstUnresolved,
      { message: `the commit reaching ${firstUnresolved}, the first unresolved offset` },
    );
    const highest = await highestCommitted(group, topic, 1, sleep(3_000));
    assert.equal(highest[0], firstUnresolved, 'committed past an unresolved message of the held key');
    held.open();
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 20, {
      message: 'everything committed once the key is released',
    });
  } finally {
    await app.stop();
  }
  for (const run of runs) assert.equal(new Set(run.keys).size, 1, `a batch mixes keys: ${run.keys}`);
  const slow = runs.filter((r) => r.keys[0] === 'slow').flatMap((r) => r.offsets);
  assert.deepEqual(slow, [2, 4, 6, 8, 10, 12, 14, 16, 18], 'key "slow" in offset order, each once');
});

test('retry({ splitOnFailure }) isolates the failing message of a batch; it and an undecodable one go to the DLQ, the rest run once', async () => {
  const topic = uniqueName('batch-dlq');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 12, {
    message: (i) => ({
      key: `k${i}`,
      value: i === 5 ? 'not json' : JSON.stringify({ seq: i, fail: i === 8 }),
    }),
  });
  const succeeded: number[] = [];
  @ConsumerGroup(group)
  class Split {
    @ConsumeBatch({ topic, maxSize: 12, maxWaitMs: 500 })
    async on(messages: Message<{ seq: number; fail: boolean }>[]) {
      if (messages.some((m) => m.value.fail)) throw new RangeError('seq 8 cannot be handled');
      succeeded.push(...messages.map((m) => m.value.seq));
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const app = await startApp(Split, [
    deadLetter({ producer }),
    retry({ maxAttempts: 2, initialDelayMs: 10, splitOnFailure: true }),
  ]);
  try {
    const dead = await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 2);
    const header = (m: (typeof dead)[number], name: string) =>
      (m.headers as Array<Record<string, Buffer>>).find((h) => name in h)?.[name]?.toString();
    const byOffset = new Map(dead.map((m) => [Number(header(m, DlqHeader.originalOffset)), m]));
    assert.deepEqual([...byOffset.keys()].sort(), [5, 8]);
    assert.equal(header(byOffset.get(5) as never, DlqHeader.errorClass), 'DeserializationError');
    assert.equal(header(byOffset.get(8) as never, DlqHeader.errorClass), 'RangeError');
    assert.equal(header(byOffset.get(8) as never, DlqHeader.attempts), '2');
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 12, {
      message: 'the partition committed to its end',
    });
  } finally {
    await app.stop();
    await producer.disconnect();
  }
  assert.deepEqual(
    succeeded.sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 6, 7, 9, 10, 11],
    'every other message ran successfully exactly once',
  );
});

test('a batch handler under middleware that does not handle batches fails at create, naming it', async () => {
  const topic = uniqueName('batch-mw');
  @ConsumerGroup(uniqueName('g'))
  class Strict {
    @ConsumeBatch(topic)
    async on() {}
  }
  const perMessage: MiddlewareFn = async function auditTrail(_ctx, next) {
    await next();
  };
  await assert.rejects(
    TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Strict],
      middleware: [perMessage],
      logger: quietLogger,
    }),
    (err: unknown) => {
      assert.ok(err instanceof HandlerRegistrationError, String(err));
      assert.match(err.message, /Strict\.on.*app-wide middleware\[0\] \(auditTrail\) does not handle batches/);
      return true;
    },
  );
});
