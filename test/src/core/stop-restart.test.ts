import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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
import { fastCommits, memberContainer, quietLogger, Recorder } from './support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('stop() during work commits what finished and nothing else; a restart resumes exactly after it', async () => {
  const topic = uniqueName('stop');
  const group = uniqueName('g');
  const partitions = 3;
  const total = 900;
  await kafka.createTopic({ name: topic, partitions });
  await produceMessages(kafka.bootstrapServers, topic, total);

  @ConsumerGroup(group, { ordering: 'key', concurrency: 12 })
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
  recorder.delayMs = () => 15;
  const start = (member: string) =>
    TributaryApp.create({
      brokers: kafka.bootstrapServers,
      handlers: [Handler],
      container: memberContainer(recorder, member),
      groups: { [group]: fastCommits },
      handleSignals: false,
      logger: quietLogger,
    }).then(async (app) => {
      await app.start();
      return app;
    });

  const first = await start('first');
  await waitUntil(() => recorder.processed.length >= 150, { message: 'some progress before stopping' });
  const running = recorder.active;
  await first.stop();
  assert.ok(running > 0, 'handlers were running when stop() was called');
  const firstRun = recorder.processed.filter((p) => p.member === 'first');
  assert.equal(recorder.active, 0, 'stop() waited for running handlers');

  const committed = await committedOffsets(kafka.bootstrapServers, group, topic, partitions);
  for (let p = 0; p < partitions; p++) {
    const done = firstRun.filter((r) => r.partition === p).map((r) => r.offset);
    // Everything that ran is contiguous from 0 and the commit is right after it.
    assert.deepEqual(
      [...done].sort((a, b) => a - b),
      Array.from({ length: done.length }, (_, i) => i),
      `partition ${p}: no gaps`,
    );
    assert.equal(committed[p], done.length, `partition ${p}: commit = one past the last finished offset`);
  }

  const second = await start('second');
  try {
    await waitUntil(() => recorder.distinct() >= total, { timeoutMs: 60_000, message: 'the rest after restart' });
  } finally {
    await second.stop();
  }
  const secondRun = recorder.processed.filter((p) => p.member === 'second');
  for (let p = 0; p < partitions; p++) {
    const firstOffset = Math.min(...secondRun.filter((r) => r.partition === p).map((r) => r.offset));
    assert.equal(firstOffset, committed[p], `partition ${p}: restart resumes exactly at the committed offset`);
  }
  // Gaps below work that already ran were finished before the final commit: nothing runs twice.
  assert.deepEqual(recorder.duplicates(), []);
  assert.equal(recorder.distinct(), total);
});

test('after stop() resolves nothing keeps the process alive: a script that stops its app simply ends', async () => {
  const topic = uniqueName('stop-exit');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const fixture = join(__dirname, '..', 'fixtures', 'stop-then-return.js');
  const child = spawn(process.execPath, [fixture, kafka.bootstrapServers, uniqueName('g'), topic], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitUntil(() => stdout.includes('stopped') || child.exitCode !== null, {
    timeoutMs: 30_000,
    message: 'the script to stop its app',
  });
  const stoppedAt = performance.now();
  // Before the fix a cancelled-too-late timer kept the loop alive for the rest of shutdownTimeoutMs
  // (30 s by default) after stop() returned; 10 s is far from both.
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), 10_000);
    }),
  ]);
  clearTimeout(timer);
  if (code === 'still running') child.kill('SIGKILL');
  assert.equal(
    code,
    0,
    `the process ended by itself after stop() (waited ${Math.round(performance.now() - stoppedAt)} ms)`,
  );
});
