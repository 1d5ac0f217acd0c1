import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { decodeValue, resolveDecoder } from './decode.js';
import { TributaryConfigError } from './errors.js';
import { LoggedPayload } from './log-serializers.js';
import { createLogger, logFormat } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, base: pino({ level: 'info' }, stream) };
}

// A 4 KB value with personal data, cut off so that it is not JSON, as librdkafka hands it over.
const value = Buffer.from(`{"email":"alice@example.com","notes":"${'x'.repeat(4000)}`);
const raw = {
  topic: 'task-created',
  partition: 0,
  offset: 5,
  size: value.length,
  value,
  key: Buffer.from('k1'),
  headers: [{ traceparent: Buffer.from('00-abc') }],
};

function decodeFailure(): Error {
  try {
    decodeValue(resolveDecoder('json'), undefined, raw.value, raw);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a DeserializationError');
}

test('a DeserializationError logs no payload bytes: no byte arrays, no personal data, shorter than the value', () => {
  const { lines, base } = capture();
  createLogger(base).error({ err: decodeFailure() }, 'decode failed');
  const [line = ''] = lines;
  assert.ok(!line.includes('"type":"Buffer"') && !/"data":\[\d/.test(line), line);
  assert.ok(!line.includes('alice@example.com'), line);
  assert.ok(line.length < 2000, `${line.length} characters`);
  const err = JSON.parse(line).err;
  assert.equal(err.type, 'DeserializationError');
  assert.deepEqual(err.coordinates, { topic: 'task-created', partition: 0, offset: 5 });
});

test("a JSON decode error says its cause once (message and a 'reason' field repeated it)", () => {
  const { lines, base } = capture();
  const failure = decodeFailure();
  const cause = (failure.cause as Error).message;
  createLogger(base).error({ err: failure }, 'decode failed');
  const parsed = JSON.parse(lines[0] ?? '{}');
  const { stack, ...rest } = parsed.err;
  const occurrences = (text: string) => text.split(cause).length - 1;
  assert.equal(occurrences(JSON.stringify({ ...parsed, err: rest })), 1, JSON.stringify(rest));
  assert.equal(occurrences(stack), 1, 'the stack names the cause without repeating its text');
});

test("logPayloads 'truncated' shows the start of the value, 'full' all of it; a given logger keeps its settings", () => {
  const { lines, base } = capture();
  const payload = { rawValue: value, headers: { traceparent: Buffer.from('00-abc') } };
  createLogger(base.child({ service: 'billing' }), 'truncated').warn({ payload: new LoggedPayload(payload) }, 't');
  createLogger(base, 'full').warn({ payload: new LoggedPayload(payload) }, 'f');
  const [truncated, full] = lines.map((l) => JSON.parse(l));
  assert.equal(truncated.service, 'billing');
  assert.match(
    truncated.payload.value,
    new RegExp(`^\\[${value.length} bytes\\] \\{"email":"alice@example\\.com","notes":"x+…$`),
  );
  assert.deepEqual(truncated.payload.headers, ['traceparent']);
  assert.equal(full.payload.value, value.toString());
  assert.deepEqual(full.payload.headers, { traceparent: '00-abc' });
});

test('log format: TRIBUTARY_LOG_FORMAT decides, else pretty on a terminal and JSON otherwise', () => {
  assert.equal(logFormat(undefined, true), 'pretty');
  assert.equal(logFormat(undefined, false), 'json');
  assert.equal(logFormat('json', true), 'json');
  assert.equal(logFormat('pretty', false), 'pretty');
  assert.throws(() => logFormat('yaml', false), TributaryConfigError);
});

test('TRIBUTARY_LOG_FORMAT=pretty writes readable lines, not JSON', () => {
  const script = `require(${JSON.stringify(require.resolve('./logger.js'))}).createLogger({}).info({ topic: 't' }, 'hello reader')`;
  const run = (format: string) =>
    execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TRIBUTARY_LOG_FORMAT: format },
      encoding: 'utf8',
    });
  const pretty = run('pretty');
  assert.match(pretty, /INFO.*hello reader/);
  assert.match(pretty, /topic: "t"/);
  assert.throws(() => JSON.parse(pretty));
  assert.equal(JSON.parse(run('json')).msg, 'hello reader');
});

test('a JSON line is written before the call returns: a process killed right after it (Nest re-raises SIGTERM) keeps it', () => {
  // Busy the thread pool first: an asynchronous stdout write would wait behind these and die with the process.
  const script = `
    const fs = require('node:fs');
    for (let i = 0; i < 16; i++) fs.readFile('/proc/self/stat', () => {});
    const logger = require(${JSON.stringify(require.resolve('./logger.js'))}).createLogger({});
    for (let i = 0; i < 50; i++) logger.info({ i }, 'line ' + i);
    logger.info('tributary stopped');
    process.kill(process.pid, 'SIGTERM');`;
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json' },
    encoding: 'utf8',
  });
  assert.equal(result.signal, 'SIGTERM');
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 51, `lines written: ${lines.length}`);
  assert.equal(JSON.parse(lines.at(-1) as string).msg, 'tributary stopped');
});
