import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import pino from 'pino';
import { resolveDecoder } from '../decode.js';
import type { TributaryEvents } from '../events.js';
import { createLogger } from '../logger.js';
import type { HandlerDefinition } from '../model/definitions.js';
import { OwnedPartition } from '../partitions/owned-partition.js';
import { execute } from './executor.js';
import { PipelineMessage } from './message-envelope.js';

test("the executor's failure line for an undecodable message: no payload bytes, the cause said once", async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const value = Buffer.from(`{"email":"alice@example.com","notes":"${'x'.repeat(2000)}`);
  const owner = new OwnedPartition({ topic: 't', partition: 0 });
  owner.admitted(7);
  const handler = { name: 'H.on', decoder: resolveDecoder('json') } as unknown as HandlerDefinition;
  const raw = {
    topic: 't',
    partition: 0,
    offset: 7,
    size: value.length,
    value,
    key: Buffer.from('k'),
    headers: [{ user: Buffer.from('alice') }],
  };
  const message = new PipelineMessage(raw as RawMessage, handler, owner);
  const done = execute(message, {
    groupId: 'g',
    events: new EventEmitter<TributaryEvents>(),
    logger: createLogger(pino({ level: 'info' }, stream)),
    chainOf: () => async (ctx) => {
      void ctx.message.value; // decodes: throws the DeserializationError
    },
    retryBackoffMs: { initial: 60_000, max: 60_000 },
    release: () => undefined,
    counters: { processed: 0, failures: 0, lastPollAt: 0 },
  });
  while (lines.length === 0) await sleep(1);
  owner.beginRevoke(true); // ends the backoff
  await done;

  const [line = ''] = lines;
  assert.ok(!line.includes('"type":"Buffer"') && !/"data":\[\d/.test(line), line);
  assert.ok(!line.includes('alice'), line);
  assert.ok(line.length < value.length, `${line.length} characters for a ${value.length}-byte value`);
  const entry = JSON.parse(line);
  const cause = 'Unterminated string in JSON at position';
  assert.equal(entry.msg, 'H.on failed on t/0@7 (attempt 1); its lane holds at this message and retries');
  assert.match(entry.err.message, /^cannot decode t\/0@7: Unterminated string in JSON at position \d+[^:]*$/);
  assert.equal(JSON.stringify({ ...entry, err: { ...entry.err, stack: '' } }).split(cause).length - 1, 1);
  assert.deepEqual(entry.payload, { value: `[${value.length} bytes]`, headers: ['user'] });
});
