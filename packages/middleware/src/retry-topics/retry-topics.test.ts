import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Message, MIDDLEWARE_TOPICS, PauseRequest } from '@tributary/core';
import { DlqHeader } from '../dead-letter/dlq-headers.js';
import type { ProducerRecord } from '../producer/tributary-producer.js';
import { fakeContext } from '../testing/fake-context.js';
import { RetryHeader } from './retry-headers.js';
import { DLQ_LAST_TOPIC_HEADER, RetryTopicError, retryTopics } from './retry-topics.js';

class FakeProducer {
  readonly records: ProducerRecord[] = [];
  failing?: Error;
  async send(record: ProducerRecord): Promise<void> {
    if (this.failing) throw this.failing;
    this.records.push(record);
  }
}

const buffers = (headers: Record<string, string | Buffer> = {}) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]));
/** The message as a consumer of the record's topic would receive it. */
const received = (record: ProducerRecord, offset = 0): Partial<Message> => ({
  topic: record.topic,
  partition: 0,
  offset,
  headers: buffers(record.headers),
  timestamp: Date.now(),
});
const failing =
  (error: Error = new Error('flaky')) =>
  async () => {
    throw error;
  };

test('the retry topics of each handler topic are declared to the core, in partition ordering', () => {
  const mw = retryTopics({ delays: [1, 2], producer: new FakeProducer() });
  assert.deepEqual(mw[MIDDLEWARE_TOPICS]('task-created'), [
    { topic: 'task-created.retry.1', ordering: 'partition' },
    { topic: 'task-created.retry.2', ordering: 'partition' },
  ]);
});

test('a failure goes to retry.1 with its state, is held until due there, and carries its attempt on', async () => {
  const producer = new FakeProducer();
  const mw = retryTopics({ delays: [60_000, 120_000], producer });
  const first = fakeContext();
  const before = Date.now();
  await mw(first, failing(new RangeError('timeout')));
  assert.equal(first.outcome, 'retry-scheduled', 'final: its offset moves on');
  const [toRetry] = producer.records;
  assert.ok(toRetry);
  assert.equal(toRetry.topic, 'task-created.retry.1');
  assert.equal(toRetry.key?.toString(), 'task-1');
  assert.equal(toRetry.value?.toString(), '{"eventId":"e-1"}');
  const h = toRetry.headers ?? {};
  assert.equal(h.source?.toString(), 'test', 'original headers kept');
  assert.equal(h[RetryHeader.attempt], '1');
  assert.equal(h[RetryHeader.originalTopic], 'task-created');
  assert.equal(h[RetryHeader.originalPartition], '2');
  assert.equal(h[RetryHeader.originalOffset], '41');
  assert.equal(h[RetryHeader.errorClass], 'RangeError');
  const dueAt = Number(h[RetryHeader.dueAt]);
  assert.ok(dueAt >= before + 60_000 && dueAt <= Date.now() + 60_000, 'due one delay after the failure');

  const early = fakeContext(received(toRetry));
  let ran = false;
  await assert.rejects(
    mw(early, async () => {
      ran = true;
    }),
    (err: unknown) => PauseRequest.is(err) && err.ms > 59_000 && err.ms <= 60_000,
  );
  assert.equal(ran, false, 'the handler does not run before the message is due');
  assert.equal(early.attempt, 2, 'attempt carried across topics');

  // Due now (its due time in the past): it runs as attempt 2 and fails on to retry.2.
  const due = fakeContext(received({ ...toRetry, headers: { ...h, [RetryHeader.dueAt]: String(Date.now() - 1) } }, 7));
  await mw(due, failing());
  assert.equal(due.attempt, 2);
  const toRetry2 = producer.records[1];
  assert.equal(toRetry2?.topic, 'task-created.retry.2');
  assert.equal(toRetry2?.headers?.[RetryHeader.attempt], '2');
  assert.equal(toRetry2?.headers?.[RetryHeader.originalOffset], '41', 'the original coordinates, not retry.1/0@7');
});

test('after the last delay it lands in <topic>.dlq as deadLetter() writes it, without the retry headers', async () => {
  const producer = new FakeProducer();
  const mw = retryTopics({ delays: [0], producer });
  await mw(fakeContext(), failing());
  const [toRetry] = producer.records;
  assert.ok(toRetry);
  const last = fakeContext(received(toRetry, 5));
  await mw(last, failing(new TypeError('still broken')));
  assert.equal(last.outcome, 'dead-lettered');
  const dead = producer.records[1];
  assert.equal(dead?.topic, 'task-created.dlq');
  const h = dead?.headers ?? {};
  assert.equal(h[DlqHeader.originalTopic], 'task-created', 'where dlq replay sends it back');
  assert.equal(h[DlqHeader.originalPartition], '2');
  assert.equal(h[DlqHeader.originalOffset], '41');
  assert.equal(h[DlqHeader.attempts], '2');
  assert.equal(h[DlqHeader.errorClass], 'TypeError');
  assert.equal(h[DLQ_LAST_TOPIC_HEADER], 'task-created.retry.1');
  assert.equal(h.source?.toString(), 'test');
  assert.deepEqual(
    Object.keys(h).filter((k) => k.startsWith('x-tributary-retry-')),
    [],
    'a replayed copy is a first delivery again',
  );
});

test('an error not worth retrying goes to the DLQ at once; with dlq: false it goes on to the core', async () => {
  const producer = new FakeProducer();
  const invalid = Object.assign(new Error('invalid'), { retryable: false });
  const ctx = fakeContext();
  await retryTopics({ delays: [10], producer })(ctx, failing(invalid));
  assert.deepEqual(
    producer.records.map((r) => r.topic),
    ['task-created.dlq'],
  );
  await assert.rejects(retryTopics({ delays: [10], producer, dlq: false })(fakeContext(), failing(invalid)), /invalid/);
  const custom = retryTopics({ delays: [10], producer, dlq: { topic: (t) => `dead.${t}` }, retryable: () => false });
  await custom(fakeContext(), failing());
  assert.equal(producer.records.at(-1)?.topic, 'dead.task-created');
});

test('a failed write rethrows (not committed) and leaves no outcome; a pause passes through untouched', async () => {
  const producer = new FakeProducer();
  producer.failing = new Error('broker down');
  const ctx = fakeContext();
  await assert.rejects(
    retryTopics({ delays: [10], producer })(ctx, failing()),
    (err: unknown) =>
      err instanceof RetryTopicError && /task-created\/2@41 to task-created\.retry\.1: broker down/.test(err.message),
  );
  assert.equal(ctx.outcome, undefined);
  producer.failing = undefined;
  await assert.rejects(
    retryTopics({ delays: [10], producer })(fakeContext(), async () => {
      throw new PauseRequest(5);
    }),
    (err: unknown) => PauseRequest.is(err),
  );
  assert.equal(producer.records.length, 0);
});

test("another group's retry is skipped; stale retry headers on a non-retry topic are ignored", async () => {
  const producer = new FakeProducer();
  const mw = retryTopics({ delays: [10], producer });
  await mw(fakeContext(), failing());
  const [toRetry] = producer.records;
  assert.ok(toRetry);
  const other = fakeContext(received(toRetry));
  Object.assign(other, { groupId: 'audit-service' });
  let ran = false;
  await mw(other, async () => {
    ran = true;
  });
  assert.equal(ran, false);
  assert.equal(other.outcome, 'skipped');
  const replayed = fakeContext({ headers: buffers(toRetry.headers) }); // on task-created itself
  await mw(replayed, async () => {});
  assert.equal(replayed.attempt, 1, 'a message on its own topic starts over');
});

test('delays are checked at setup', () => {
  assert.throws(() => retryTopics({ delays: [], producer: new FakeProducer() }), /retryTopics\.delays/);
});
