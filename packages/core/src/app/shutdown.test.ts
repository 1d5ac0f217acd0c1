import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { container as root } from 'tsyringe';
import { tsyringeResolver } from './resolver.js';
import { runShutdown } from './shutdown.js';

const capture = () => {
  const lines: { level: number; msg: string }[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) }) };
};

class Pool {
  static disposed: string[] = [];
  async dispose() {
    await new Promise((resolve) => setTimeout(resolve, 10));
    Pool.disposed.push('pool');
  }
}

test('hooks run in order and are awaited, a failing one does not stop the next, then the container is disposed', async () => {
  const { lines, logger } = capture();
  const order: string[] = [];
  const child = root.createChildContainer();
  child.resolve(Pool);
  Pool.disposed = [];
  const clean = await runShutdown(
    [
      async function flushProducer() {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('producer');
      },
      function broken() {
        throw new Error('nope');
      },
      () => {
        order.push(`third (pool disposed: ${Pool.disposed.length})`);
      },
    ],
    tsyringeResolver(child),
    1_000,
    logger,
  );
  assert.equal(clean, false);
  assert.deepEqual(order, ['producer', 'third (pool disposed: 0)']);
  assert.deepEqual(Pool.disposed, ['pool'], 'the container disposed what it constructed, after the hooks');
  assert.ok(lines.some((l) => l.msg === 'onShutdown[1] (broken) failed'));
  assert.throws(() => child.resolve(Pool), /disposed/);
});

test('hooks share the timeout; what is left after it expires is not waited for', async () => {
  const { lines, logger } = capture();
  const order: string[] = [];
  const started = performance.now();
  const clean = await runShutdown(
    [
      () => new Promise(() => {}), // never settles
      () => {
        order.push('never reached');
      },
    ],
    tsyringeResolver(root.createChildContainer()),
    100,
    logger,
  );
  assert.equal(clean, false);
  assert.ok(performance.now() - started < 1_000);
  assert.deepEqual(order, []);
  assert.ok(lines.some((l) => l.msg.startsWith('onShutdown[0] did not finish within shutdownTimeoutMs')));
});
