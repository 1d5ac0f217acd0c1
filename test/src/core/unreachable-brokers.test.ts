import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { Consume, ConsumerGroup, KafkaConnectionError, type Message, TributaryApp } from '@tributary/core';
import { uniqueName } from '@tributary/testing';
import pino from 'pino';
import { sleep } from './support.js';

/** A local port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('unreachable brokers: progress while trying, an error naming them and the cause, no flood of client errors', async () => {
  const brokers = `127.0.0.1:${await closedPort()},127.0.0.1:${await closedPort()}`;
  const group = uniqueName('g');
  @ConsumerGroup(group)
  class Handler {
    @Consume('orders')
    async on(_msg: Message) {}
  }
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = await TributaryApp.create({ brokers, handlers: [Handler], handleSignals: false, logger });
  const started = performance.now();
  await assert.rejects(app.start(), (err: Error) => {
    for (const address of brokers.split(',')) assert.ok(err.message.includes(address), err.message);
    assert.ok(err.message.includes(`"${group}"`), err.message);
    assert.match(err.message, /last client error: .*Connection refused/);
    assert.ok(err instanceof KafkaConnectionError, `${err.name}: ${err.message}`);
    return true;
  });
  const waitedMs = performance.now() - started;
  // The client's queued errors arrive in one burst when it gives up (585 lines in 27 ms, before).
  await sleep(3_000);
  const progress = lines.filter((l) => l.msg.startsWith('still connecting to Kafka at'));
  assert.ok(progress.length >= 2, `a progress line after a few seconds, then periodically: ${JSON.stringify(lines)}`);
  assert.ok(progress[0]?.msg.includes(brokers), progress[0]?.msg);
  assert.ok(
    lines.length <= 6,
    `at most a handful of lines over ${Math.round(waitedMs / 1000)} s: ${lines.map((l) => l.msg).join(' | ')}`,
  );
});
