import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BatchContext, ConsumeBatch, ConsumerGroup, type Message } from '@tributary/core';
import { testHandler } from './test-handler.js';

const seen: number[][] = [];

@ConsumerGroup('kit-batch')
class Bulk {
  @ConsumeBatch({ topic: 'orders', maxSize: 3 })
  async on(messages: Message<{ n: number }>[], ctx: BatchContext<{ n: number }>) {
    seen.push(messages.map((m) => m.value.n));
    const bad = messages.find((m) => m.value.n < 0);
    if (!bad) return;
    ctx.resolve(bad.offset - 1); // the messages before the bad one are done
    throw new Error(`negative at ${bad.offset}`);
  }
}

test('a batch handler runs consecutive messages of a partition as batches of at most maxSize', async () => {
  seen.length = 0;
  const result = await testHandler(Bulk, [
    { value: { n: 1 } },
    { value: { n: 2 } },
    { value: { n: 3 } },
    { value: { n: 4 } },
    { value: { n: 5 }, partition: 1 },
    { value: { n: 6 } },
  ]);
  assert.deepEqual(seen, [[1, 2, 3], [4], [5], [6]], 'split at maxSize and at a change of partition');
  assert.deepEqual(result.outcomes, ['done', 'done', 'done', 'done', 'done', 'done']);
});

test('a partial resolve settles the prefix; the rest of the failed batch is failed; an undecodable message never reaches the method', async () => {
  seen.length = 0;
  const result = await testHandler(Bulk, [{ value: { n: 1 } }, { value: { n: 2 } }, { value: { n: -3 } }]);
  assert.deepEqual(result.outcomes, ['done', 'done', 'failed']);
  const decoding = await testHandler(Bulk, [{ value: { n: 7 } }, { value: 'not json' }, { value: { n: 8 } }]);
  assert.deepEqual(seen.at(-1), [7, 8], 'the method got the decodable ones');
  assert.deepEqual(decoding.outcomes, ['done', 'failed', 'done']);
  assert.equal((decoding.messages[1]?.error as Error | undefined)?.name, 'DeserializationError');
});
