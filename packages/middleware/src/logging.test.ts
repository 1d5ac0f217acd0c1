import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { logging } from './logging.js';
import { retry } from './retry/retry.js';
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

test('outside retry(), the backoff between attempts is not handler time: two fast attempts are not slow', async () => {
  const { lines, logger } = capture();
  const ctx = fakeContext();
  let calls = 0;
  const backoff = { maxAttempts: 2, initialDelayMs: 150, maxDelayMs: 150, jitter: 0 };
  await logging({ logger, slowHandlerMs: 50 })(ctx, () =>
    retry(backoff)(ctx, async () => {
      calls += 1;
      if (calls === 1) throw new Error('flaky');
    }),
  );
  assert.equal(calls, 2);
  assert.deepEqual(
    lines.filter((l) => l.level === 40),
    [],
    'a 150 ms backoff between two fast attempts is no slow handler',
  );
});

test('a slow attempt after a retry is reported with its own time, the backoff apart; so is a final failure', async () => {
  const { lines, logger } = capture();
  const ctx = fakeContext();
  const backoff = { maxAttempts: 2, initialDelayMs: 150, maxDelayMs: 150, jitter: 0 };
  await logging({ logger, slowHandlerMs: 50 })(ctx, () =>
    retry(backoff)(ctx, async () => {
      if (ctx.attempt === 1) throw new Error('flaky');
      await new Promise((resolve) => setTimeout(resolve, 80));
    }),
  );
  const [slow] = lines.filter((l) => l.level === 40) as Array<{ durationMs: number; retryBackoffMs: number }>;
  assert.ok(slow, 'the 80 ms attempt is slow');
  assert.ok(slow.durationMs >= 75 && slow.durationMs < 150, `handler time ${slow.durationMs} ms`);
  assert.ok(slow.retryBackoffMs >= 145, `backoff ${slow.retryBackoffMs} ms`);

  const failing = fakeContext();
  await assert.rejects(
    logging({ logger })(failing, () => retry(backoff)(failing, async () => Promise.reject(new Error('down')))),
  );
  const [failure] = lines.filter((l) => l.level === 50) as Array<{ durationMs: number; attempt: number }>;
  assert.equal(failure?.attempt, 2);
  assert.ok((failure?.durationMs ?? Infinity) < 100, `two instant attempts took ${failure?.durationMs} ms`);
});

test('a failure line holds no payload bytes: the error without byte arrays, the payload by size and header names', async () => {
  const { lines, logger } = capture();
  const value = Buffer.from(`{"email":"alice@example.com","notes":"${'x'.repeat(2000)}`);
  const ctx = fakeContext({ rawValue: value, headers: { user: Buffer.from('alice') } });
  const decodeError = Object.assign(new Error('cannot decode task-created/2@41: Unexpected end of JSON input'), {
    name: 'DeserializationError',
    kafkaMessage: { value, headers: [{ user: Buffer.from('alice') }] },
  });
  await assert.rejects(logging({ logger })(ctx, async () => Promise.reject(decodeError)));
  const line = JSON.stringify(lines.find((l) => l.level === 50));
  assert.ok(!line.includes('"type":"Buffer"') && !/"data":\[\d/.test(line), line);
  assert.ok(!line.includes('alice'), line);
  assert.ok(line.length < value.length, `${line.length} characters`);
  assert.deepEqual(lines.find((l) => l.level === 50)?.payload, { value: `[${value.length} bytes]`, headers: ['user'] });
});

test("logPayloads 'truncated' on logging() shows the start of the value on ctx.logger's lines too", async () => {
  const { lines, logger } = capture();
  const ctx = { ...fakeContext({ rawValue: Buffer.from('{"seq":1,"title":"x"}') }), logger };
  await assert.rejects(logging({ logPayloads: 'truncated' })(ctx, async () => Promise.reject(new Error('boom'))));
  assert.deepEqual(lines.find((l) => l.level === 50)?.payload, {
    value: '[21 bytes] {"seq":1,"title":"x"}',
    headers: ['source'],
  });
});
