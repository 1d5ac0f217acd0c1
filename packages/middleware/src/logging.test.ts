import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { logging } from './logging.js';
import { fakeContext } from './testing/fake-context.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

test('a child logger per message carries the coordinates', async () => {
  const { lines, logger } = capture();
  const ctx = fakeContext();
  await logging({ logger })(ctx, async () => {
    ctx.logger.info('hello');
  });
  const line = lines.find((l) => l.msg === 'hello');
  assert.equal(line?.topic, 'task-created');
  assert.equal(line?.partition, 2);
  assert.equal(line?.offset, 41);
  assert.equal(line?.key, 'task-1');
  assert.equal(line?.attempt, 1);
  assert.equal(line?.group, 'notification-service');
});

test('slow handlers get one warning; failures one error line with the error', async () => {
  const { lines, logger } = capture();
  await logging({ logger, slowHandlerMs: 10 })(fakeContext(), () => new Promise((resolve) => setTimeout(resolve, 30)));
  const slow = lines.filter((l) => l.level === 40);
  assert.equal(slow.length, 1);
  assert.match(String(slow[0]?.msg), /slow handler: TaskHandlers.onCreated took \d+ ms/);

  await assert.rejects(logging({ logger })(fakeContext(), async () => Promise.reject(new Error('boom'))));
  const errors = lines.filter((l) => l.level === 50);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as { err: { message: string } }).err.message, 'boom');
});

test('without its own logger it writes to ctx.logger and leaves it as it is (no child per message)', async () => {
  const { lines, logger } = capture();
  const ctx = { ...fakeContext(), logger };
  await assert.rejects(logging()(ctx, async () => Promise.reject(new Error('boom'))));
  assert.equal(ctx.logger, logger);
  const errors = lines.filter((l) => l.level === 50);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.msg, 'TaskHandlers.onCreated failed');
  assert.equal(errors[0]?.attempt, 1);
});
