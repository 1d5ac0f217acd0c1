import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import pino from 'pino';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import type { HandlerDefinition } from '../model/definitions.js';
import { OwnedPartition } from '../partitions/owned-partition.js';
import { execute } from './executor.js';
import { PipelineMessage } from './message-envelope.js';

const handler = { name: 'H.on', decoder: (v: Buffer | null) => v } as unknown as HandlerDefinition;

function run(chain: (ctx: MessageContext) => Promise<void>, owner = new OwnedPartition({ topic: 't', partition: 0 })) {
  owner.admitted(7);
  const message = new PipelineMessage({ topic: 't', partition: 0, offset: 7, size: 0 } as RawMessage, handler, owner);
  const events = new EventEmitter<TributaryEvents>();
  const seen: string[] = [];
  events.on('message.processed', (e) => seen.push(`processed ${e.outcome} after ${e.attempts}`));
  events.on('message.failed', (e) => seen.push(`failed attempt ${e.attempt}`));
  let released = 0;
  const counters = { processed: 0, failures: 0, lastPollAt: 0 };
  const done = execute(message, {
    groupId: 'g',
    events,
    logger: pino({ level: 'silent' }),
    chainOf: () => chain,
    retryBackoffMs: { initial: 10, max: 20 },
    release: () => {
      released += 1;
    },
    counters,
  });
  return { owner, seen, done, released: () => released, counters };
}

test('a final outcome marks the offset done and releases the message once', async () => {
  const { owner, seen, done, released } = run(async (ctx) => {
    ctx.outcome = 'skipped';
  });
  await done;
  assert.deepEqual(seen, ['processed skipped after 1']);
  assert.equal(owner.due()?.offset, 8);
  assert.equal(released(), 1);
  assert.equal(owner.running, 0);
});

test('an error is retried on the same lane with backoff, never skipped', async () => {
  let calls = 0;
  const { owner, seen, done, counters } = run(async (ctx) => {
    calls += 1;
    if (ctx.attempt < 3) throw new Error('flaky');
  });
  await done;
  assert.equal(calls, 3);
  assert.deepEqual(counters, { processed: 1, failures: 2, lastPollAt: 0 });
  assert.deepEqual(seen, ['failed attempt 1', 'failed attempt 2', 'processed done after 3']);
  assert.equal(owner.due()?.offset, 8);
});

test('a revoke during the backoff gives the message up without marking it done', async () => {
  const { owner, done, released } = run(async () => {
    throw new Error('always');
  });
  setTimeout(() => owner.beginRevoke(true), 5);
  await done;
  assert.equal(owner.due()?.offset, 7, 'not done: the next owner retries it');
  assert.equal(released(), 1);
});
