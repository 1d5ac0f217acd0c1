import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { DlqHeader, deadLetter, TributaryProducer } from '@tributary/middleware';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  readTopic,
  startTestKafka,
  type TestKafka,
  uniqueName,
} from '@tributary/testing';
import { jsonLines, tributary } from './cli-support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

const header = (m: { headers?: Array<Record<string, Buffer | string>> }, name: string) =>
  m.headers?.find((h) => name in h)?.[name]?.toString();
const total = async (topic: string, partitions: number) =>
  (await endOffsets(kafka.bootstrapServers, topic, partitions)).reduce((a, b) => a + b, 0);

/**
 * A topic of 30 messages over 2 partitions handled by an app with @tributary/middleware's
 * deadLetter(): seq % 5 == 0 throws RangeError (6), seq % 7 == 0 otherwise TypeError (4). The app
 * is stopped once its DLQ holds all 10, so a replay is not consumed again.
 */
async function deadLetteredTopic(): Promise<{ topic: string; dlq: string }> {
  const topic = uniqueName('orders');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await kafka.createTopic({ name: `${topic}.dlq`, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 30, {
    message: (i) => ({
      key: `order-${i}`,
      partition: i % 2,
      value: JSON.stringify({ seq: i }),
      headers: [{ origin: `shop-${i}` }],
    }),
  });
  @ConsumerGroup(group)
  class Handler {
    @Consume(topic)
    async on(msg: Message<{ seq: number }>) {
      if (msg.value.seq % 5 === 0) throw new RangeError(`seq ${msg.value.seq} out of range`);
      if (msg.value.seq % 7 === 0) throw new TypeError(`seq ${msg.value.seq} has the wrong type`);
    }
  }
  const producer = new TributaryProducer({ brokers: kafka.bootstrapServers });
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    middleware: [deadLetter({ producer })],
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  try {
    await readTopic(kafka.bootstrapServers, `${topic}.dlq`, 10);
  } finally {
    await app.stop();
    await producer.disconnect();
  }
  return { topic, dlq: `${topic}.dlq` };
}

const dlq = (...args: string[]) => tributary(['dlq', ...args, '--brokers', kafka.bootstrapServers]);

test('dlq list counts the entries deadLetter() wrote by error class, with their original topics', async () => {
  const { topic, dlq: dlqTopic } = await deadLetteredTopic();
  const table = await dlq('list', dlqTopic);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/));
  assert.deepEqual(lines[0], ['ERROR-CLASS', 'COUNT', 'ORIGINAL-TOPICS', 'LAST-DEAD-LETTERED']);
  assert.deepEqual(lines[1]?.slice(0, 3), ['RangeError', '6', topic]);
  assert.deepEqual(lines[2]?.slice(0, 3), ['TypeError', '4', topic]);
  assert.deepEqual(lines[3], ['TOTAL', '10']);
  const json = JSON.parse((await dlq('list', dlqTopic, '--json')).stdout) as {
    total: number;
    errorClasses: Array<{ errorClass: string; count: number; originalTopics: string[] }>;
  };
  assert.equal(json.total, 10);
  assert.deepEqual(
    json.errorClasses.map((c) => [c.errorClass, c.count, c.originalTopics]),
    [
      ['RangeError', 6, [topic]],
      ['TypeError', 4, [topic]],
    ],
  );
});

test('dlq show prints each entry with its error headers; --filter and --count select', async () => {
  const { topic, dlq: dlqTopic } = await deadLetteredTopic();
  const shown = await dlq('show', dlqTopic, '--filter', 'error-class=TypeError', '--json');
  assert.equal(shown.code, 0, shown.stderr);
  type Entry = { key: string; value: { seq: number }; errorClass: string; error: Record<string, string> };
  const entries = jsonLines<Entry>(shown.stdout);
  assert.deepEqual(
    entries.map((e) => e.value.seq).sort((a, b) => a - b),
    [7, 14, 21, 28],
  );
  for (const entry of entries) {
    assert.equal(entry.errorClass, 'TypeError');
    assert.equal(entry.error[DlqHeader.errorMessage], `seq ${entry.value.seq} has the wrong type`);
    assert.equal(entry.error[DlqHeader.originalTopic], topic);
    assert.equal(entry.error[DlqHeader.originalPartition], String(entry.value.seq % 2));
    assert.match(entry.error[DlqHeader.errorStack] ?? '', /^TypeError: seq/);
  }
  const text = await dlq('show', dlqTopic, '--filter', 'error-class=RangeError', '--count', '2');
  assert.equal((text.stdout.match(/^--- RangeError from /gm) ?? []).length, 2, text.stdout);
  assert.match(text.stdout, /\nheader x-tributary-dlq-error-message=seq \d+ out of range\n/);
  const bad = await dlq('show', dlqTopic, '--filter', 'colour=red');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--filter must be error-class\|original-topic\|group\|handler=<value>, got "colour=red"/);
});

test('dlq replay: a dry run changes nothing; --execute replays each entry once, across runs and filters', async () => {
  const { topic, dlq: dlqTopic } = await deadLetteredTopic();
  const group = `tributary-dlq-replay.${dlqTopic}`;

  const dryRun = await dlq('replay', dlqTopic);
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.equal((dryRun.stdout.match(/^would replay /gm) ?? []).length, 10, dryRun.stdout);
  assert.match(dryRun.stdout, /dry run: would replay 10 entries of .*; add --execute to replay\n$/);
  assert.equal(await total(topic, 2), 30, 'nothing produced');
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, dlqTopic, 2),
    [-1001, -1001],
    'nothing committed',
  );

  const typeErrors = await dlq('replay', dlqTopic, '--filter', 'error-class=TypeError', '--execute');
  assert.equal(typeErrors.code, 0, typeErrors.stderr);
  assert.match(typeErrors.stdout, /replayed 4 entries of .*; skipped: 6 not matching --filter error-class=TypeError/);
  assert.equal(await total(topic, 2), 34);

  const rest = await dlq('replay', dlqTopic, '--execute');
  assert.equal(rest.code, 0, rest.stderr);
  assert.match(rest.stdout, /replayed 6 entries/);
  assert.equal(await total(topic, 2), 40, 'the TypeErrors were not replayed again');

  const again = await dlq('replay', dlqTopic, '--execute');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /replayed 0 entries/);
  assert.equal(await total(topic, 2), 40, 'a second full run replays nothing');
  assert.match((await dlq('replay', dlqTopic)).stdout, /dry run: would replay 0 entries/);

  // The replayed copies: original key, value and headers, on the original partition, counted once.
  const all = await readTopic(kafka.bootstrapServers, topic, 40);
  const replayed = all.filter((m) => m.offset >= 15);
  assert.equal(replayed.length, 10);
  for (const m of replayed) {
    const { seq } = JSON.parse(m.value?.toString() ?? '') as { seq: number };
    assert.ok(seq % 5 === 0 || seq % 7 === 0, `seq ${seq} was dead-lettered`);
    assert.equal(m.key?.toString(), `order-${seq}`);
    assert.equal(m.partition, seq % 2, 'back on its original partition');
    assert.equal(header(m, 'origin'), `shop-${seq}`);
    assert.equal(header(m, 'x-tributary-replay-count'), '1');
    const names = (m.headers ?? []).flatMap((h) => Object.keys(h));
    assert.deepEqual(names, ['origin', 'x-tributary-replay-count'], 'the DLQ headers are removed');
  }
  assert.deepEqual(
    replayed.map((m) => (JSON.parse(m.value?.toString() ?? '') as { seq: number }).seq).sort((a, b) => a - b),
    [0, 5, 7, 10, 14, 15, 20, 21, 25, 28],
  );
});

test('dlq replay --to another topic raises an existing replay count; an unknown --to or DLQ is named', async () => {
  const dlqTopic = uniqueName('manual.dlq');
  const target = uniqueName('retry');
  await kafka.createTopic({ name: dlqTopic, partitions: 1 });
  await kafka.createTopic({ name: target, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, dlqTopic, 2, {
    message: (i) => ({
      key: `k${i}`,
      value: `v${i}`,
      headers: <Array<Record<string, string>>>[
        { [DlqHeader.errorClass]: 'TimeoutError' },
        ...(i === 1 ? [{ 'x-tributary-replay-count': '2' }] : []),
        { [DlqHeader.originalTopic]: 'gone-topic' },
      ],
    }),
  });
  const unknown = await dlq('replay', dlqTopic, '--to', 'no-such-target', '--execute');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown topic no-such-target/);
  assert.match((await dlq('list', 'no-such-dlq')).stderr, /unknown topic no-such-dlq/);
  const result = await dlq('replay', dlqTopic, '--to', target, '--execute');
  assert.equal(result.code, 0, result.stderr);
  const messages = await readTopic(kafka.bootstrapServers, target, 2);
  assert.deepEqual(
    messages.map((m) => [m.key?.toString(), m.value?.toString(), header(m, 'x-tributary-replay-count')]),
    [
      ['k0', 'v0', '1'],
      ['k1', 'v1', '3'],
    ],
  );
});
