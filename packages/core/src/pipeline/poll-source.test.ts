import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import { pollSource } from './poll-source.js';

const batchOf = (n: number) => Array.from({ length: n }, (_, i) => ({ offset: i }) as RawMessage);

/** Runs a poll source over `sizes` (what each poll returns), recording what happens in order. */
async function record(sizes: number[], pollAhead: () => number): Promise<string[]> {
  const log: string[] = [];
  let polls = 0;
  await new Promise<void>((resolve, reject) => {
    pollSource(
      async (max) => {
        log.push(`fetch ${max}`);
        return batchOf(sizes[polls++] ?? 0);
      },
      () => {
        log.push('plan');
        return 10;
      },
      () => polls >= sizes.length,
      pollAhead,
    ).subscribe({
      next: (batch) => {
        log.push(`batch ${batch.length}`);
        // A handler that completes without I/O: its end is a microtask.
        void Promise.resolve().then(() => log.push(`handled ${batch.length}`));
      },
      error: reject,
      complete: resolve,
    });
  });
  return log;
}

test('without a poll ahead, the next poll is planned after the batch’s microtasks ran', async () => {
  const log = await record([3, 2], () => 0);
  assert.deepEqual(log, ['plan', 'fetch 10', 'batch 3', 'handled 3', 'plan', 'fetch 10', 'batch 2', 'handled 2']);
});

test('a poll ahead goes out right after the batch, before its handlers finished, with the size asked for', async () => {
  const log = await record([3, 2, 1], () => 7);
  assert.deepEqual(log.slice(0, 5), ['plan', 'fetch 10', 'batch 3', 'fetch 7', 'handled 3']);
  assert.equal(log.filter((l) => l === 'plan').length, 1, 'polls ahead are not planned');
});

test('an empty poll asks for no poll ahead: the next one is planned', async () => {
  let asked = 0;
  const log = await record([0, 2], () => {
    asked += 1;
    return 7;
  });
  assert.deepEqual(log.slice(0, 3), ['plan', 'fetch 10', 'plan']);
  assert.equal(asked, 1, 'asked only after the batch of 2');
});
