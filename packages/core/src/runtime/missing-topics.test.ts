import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import pino from 'pino';
import {
  checkTopics,
  MISSING_TOPICS_LOG_MS,
  TOPIC_RECHECK_MS,
  type TopicLookup,
  TopicWaiter,
} from './missing-topics.js';

/** A cluster whose topic list the test changes; counts its metadata requests. */
function cluster(initial: Record<string, number>) {
  const topics = new Map(Object.entries(initial));
  const lookup: TopicLookup & { requests: number } = {
    requests: 0,
    async topicPartitionCounts() {
      this.requests += 1;
      return new Map(topics);
    },
  };
  return { topics, lookup };
}

function capture() {
  const lines: { level: number; msg: string; missingTopics?: string[] }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

/** Lets the waiter's awaited metadata request settle after a timer fired. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('present and missing topics, with the existing topic a missing one probably misspells', async () => {
  const { lookup } = cluster({ orders: 4, payments: 2, 'being-created': 0 });
  const check = await checkTopics(lookup, ['ordrs', 'payments', 'being-created', 'zzz']);
  assert.deepEqual(check.present, ['payments']);
  assert.deepEqual(check.missing, ['ordrs', 'being-created', 'zzz']);
  assert.deepEqual(check.suggestions, { ordrs: 'orders' });
});

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('the waiter subscribes to topics as they appear and logs the missing ones once per log interval', async () => {
  const { topics, lookup } = cluster({ a: 1 });
  const { lines, logger } = capture();
  const subscriptions: string[][] = [];
  const waiter = new TopicWaiter({
    lookup,
    subscribed: ['a', 'b', 'c'],
    logger,
    onPresent: (p) => subscriptions.push(p),
  });
  waiter.begin(await checkTopics(lookup, ['a', 'b', 'c']));
  assert.deepEqual(waiter.missing, ['b', 'c']);
  const waiting = () => lines.filter((l) => l.msg.startsWith('waiting for missing topics'));
  assert.equal(waiting().length, 1);
  assert.deepEqual(waiting()[0]?.missingTopics, ['b', 'c']);

  // Checks every TOPIC_RECHECK_MS, says so only once per MISSING_TOPICS_LOG_MS.
  const checks = MISSING_TOPICS_LOG_MS / TOPIC_RECHECK_MS;
  for (let i = 0; i < checks - 1; i++) {
    mock.timers.tick(TOPIC_RECHECK_MS);
    await settle();
  }
  assert.equal(lookup.requests, checks);
  assert.equal(waiting().length, 1, 'no line per check');
  assert.deepEqual(subscriptions, []);

  topics.set('b', 3);
  mock.timers.tick(TOPIC_RECHECK_MS);
  await settle();
  assert.deepEqual(subscriptions, [['a', 'b']]);
  assert.deepEqual(waiter.missing, ['c']);

  topics.set('c', 1);
  mock.timers.tick(TOPIC_RECHECK_MS);
  await settle();
  assert.deepEqual(subscriptions.at(-1), ['a', 'b', 'c']);
  assert.deepEqual(waiter.missing, []);
  assert.ok(lines.some((l) => l.msg.startsWith('every subscribed topic exists')));
  const requests = lookup.requests;
  mock.timers.tick(TOPIC_RECHECK_MS * 3);
  await settle();
  assert.equal(lookup.requests, requests, 'no more checks once everything exists');
});

test('a stopped waiter asks nothing more; a failed metadata request is retried', async () => {
  const { lookup } = cluster({});
  const { logger } = capture();
  let fail = true;
  const flaky: TopicLookup = {
    topicPartitionCounts: async () => {
      if (fail) throw new Error('timed out');
      return lookup.topicPartitionCounts();
    },
  };
  const waiter = new TopicWaiter({ lookup: flaky, subscribed: ['x'], logger, onPresent: () => {} });
  waiter.begin({ existing: [], present: [], missing: ['x'], suggestions: {} });
  mock.timers.tick(TOPIC_RECHECK_MS);
  await settle();
  fail = false;
  mock.timers.tick(TOPIC_RECHECK_MS);
  await settle();
  assert.equal(lookup.requests, 1, 'retried after the failure');
  waiter.stop();
  mock.timers.tick(TOPIC_RECHECK_MS * 5);
  await settle();
  assert.equal(lookup.requests, 1);
});
