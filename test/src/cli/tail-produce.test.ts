import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  committedOffsets,
  produceMessages,
  readTopic,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { jsonLines, startTributary, tributary } from './cli-support.js';

let kafka: TestKafka;
let dir: string;
before(async () => {
  kafka = await startTestKafka();
  dir = mkdtempSync(join(tmpdir(), 'cli-produce-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await kafka.stop();
});

type Line = {
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  keyEncoding: string;
  headers: Array<{ key: string; value: string; encoding: string }>;
  value: unknown;
  valueEncoding: string;
};

/** One partition: a JSON value with headers, a text value, a binary value and a binary header, a tombstone. */
async function mixedTopic(): Promise<string> {
  const topic = uniqueName('tail');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const messages = [
    { key: 'task-1', value: JSON.stringify({ taskId: 'task-1', due: 3 }), headers: [{ origin: 'cli-test' }] },
    { key: 'task-2', value: 'plain words', headers: [{ trace: Buffer.from([0xff, 0xfe]) }] },
    { key: Buffer.from([0xff, 0x01]), value: Buffer.from([0x00, 0xff, 0x10]) },
    { key: 'task-1', value: null },
  ];
  await produceMessages(kafka.bootstrapServers, topic, messages.length, { message: (i) => messages[i] as never });
  return topic;
}

test('tail prints partition, offset, time, key, headers and value: JSON pretty-printed, text, hex; then stops', async () => {
  const topic = await mixedTopic();
  const result = await tributary(['tail', topic, '--brokers', kafka.bootstrapServers]);
  assert.equal(result.code, 0, result.stderr);
  const blocks = result.stdout.trimEnd().split('\n\n');
  assert.equal(blocks.length, 4, result.stdout);
  assert.match(blocks[0] as string, /^partition=0 offset=0 timestamp=\d{4}-\d\d-\d\dT[\d:.]+Z key=task-1\n/);
  assert.match(
    blocks[0] as string,
    /\nheader origin=cli-test\nvalue \(json\):\n\{\n {2}"taskId": "task-1",\n {2}"due": 3\n\}$/,
  );
  assert.match(blocks[1] as string, /key=task-2\nheader trace=hex:fffe\nvalue \(text\):\nplain words$/);
  assert.match(blocks[2] as string, /offset=2 .*key=hex:ff01\nvalue \(hex\):\n00ff10$/);
  assert.match(blocks[3] as string, /offset=3 .*key=task-1\nvalue: null \(tombstone\)$/);
  assert.match(result.stderr, /tail: 4 message\(s\) printed of 4 read/);
  // Read by assignment: the reader's group id has committed nothing.
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, 'tributary-cli-reader', topic, 1), [-1001]);
});

test('tail --json prints one object per line, each encoding beside its field', async () => {
  const topic = await mixedTopic();
  const result = await tributary(['tail', topic, '--brokers', kafka.bootstrapServers, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const lines = jsonLines<Line>(result.stdout);
  assert.deepEqual(
    lines.map((l) => [l.offset, l.key, l.keyEncoding, l.value, l.valueEncoding]),
    [
      [0, 'task-1', 'text', { taskId: 'task-1', due: 3 }, 'json'],
      [1, 'task-2', 'text', 'plain words', 'text'],
      [2, 'ff01', 'hex', '00ff10', 'hex'],
      [3, 'task-1', 'text', null, 'null'],
    ],
  );
  assert.deepEqual(lines[1]?.headers, [{ key: 'trace', value: 'fffe', encoding: 'hex' }]);
  assert.ok(!Number.isNaN(Date.parse(lines[0]?.timestamp as string)));
});

test('tail --key, --grep, --count and --from <offset> select messages', async () => {
  const topic = uniqueName('tail-select');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 40, {
    message: (i) => ({
      key: `k${i % 4}`,
      partition: i % 2,
      value: JSON.stringify({ i, word: i % 5 ? 'calm' : 'alarm' }),
    }),
  });
  const tail = async (...args: string[]) => {
    const result = await tributary(['tail', topic, '--brokers', kafka.bootstrapServers, '--json', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return jsonLines<Line>(result.stdout);
  };
  const byKey = await tail('--key', 'k1');
  assert.deepEqual(
    byKey.map((l) => (l.value as { i: number }).i).sort((a, b) => a - b),
    [1, 5, 9, 13, 17, 21, 25, 29, 33, 37],
  );
  const grep = await tail('--grep', 'alarm');
  assert.deepEqual(
    grep.map((l) => (l.value as { i: number }).i).sort((a, b) => a - b),
    [0, 5, 10, 15, 20, 25, 30, 35],
  );
  assert.equal((await tail('--count', '3')).length, 3);
  const fromOffset = await tail('--partition', '1', '--from', '15');
  assert.deepEqual(
    fromOffset.map((l) => [l.partition, l.offset]),
    [15, 16, 17, 18, 19].map((o) => [1, o]),
  );
  assert.equal((await tail('--from', 'latest')).length, 0);
});

test('tail --from <ISO time> starts at the first message at or after that time (ListOffsets by time)', async () => {
  const topic = uniqueName('tail-time');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 10, {
    message: (i) => ({ key: null, partition: i % 2, value: `early-${i}` }),
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const since = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await produceMessages(kafka.bootstrapServers, topic, 6, {
    message: (i) => ({ key: null, partition: i % 2, value: `late-${i}` }),
  });
  const result = await tributary(['tail', topic, '--brokers', kafka.bootstrapServers, '--json', '--from', since]);
  assert.equal(result.code, 0, result.stderr);
  const lines = jsonLines<Line>(result.stdout);
  assert.deepEqual(lines.map((l) => l.value).sort(), ['late-0', 'late-1', 'late-2', 'late-3', 'late-4', 'late-5']);
  assert.deepEqual(lines.map((l) => l.offset).sort(), [5, 5, 6, 6, 7, 7]);
});

test('tail --follow prints messages produced after it started until Ctrl-C, then exits 0', async () => {
  const topic = uniqueName('tail-follow');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 4, { message: (i) => ({ key: null, value: `before-${i}` }) });
  const running = startTributary(['tail', topic, '--brokers', kafka.bootstrapServers, '--follow', '--json']);
  await waitUntil(() => running.output.stderr.includes('following'), {
    timeoutMs: 15_000,
    message: () => `the following line (stderr: ${running.output.stderr})`,
  });
  await produceMessages(kafka.bootstrapServers, topic, 3, { message: (i) => ({ key: null, value: `after-${i}` }) });
  await waitUntil(() => jsonLines(running.output.stdout).length === 3, {
    timeoutMs: 15_000,
    message: () => `3 followed messages (stdout: ${running.output.stdout}, stderr: ${running.output.stderr})`,
  });
  assert.equal(await running.interrupt(), 0);
  assert.deepEqual(
    jsonLines<Line>(running.output.stdout)
      .map((l) => l.value)
      .sort(),
    ['after-0', 'after-1', 'after-2'],
  );
});

test('tail names an unknown topic, unreachable brokers and a bad --from; exit 2, one line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['tail', 'no-such-topic-tail', '--brokers', kafka.bootstrapServers], /unknown topic no-such-topic-tail/],
    [['tail', 'x', '--brokers', '127.0.0.1:1', '--timeout', '1000'], /cannot reach brokers 127\.0\.0\.1:1/],
    [
      ['tail', 'x', '--brokers', kafka.bootstrapServers, '--from', 'yesterday'],
      /--from must be earliest, latest, an offset or an ISO time, got "yesterday"/,
    ],
    [['tail', 'x', '--brokers', kafka.bootstrapServers, '--count', '0'], /--count must be a positive integer, got "0"/],
  ];
  for (const [args, message] of cases) {
    const result = await tributary(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, message);
  }
});

test('produce <value> with --key, --header and --partition: acknowledged, read back as sent', async () => {
  const topic = uniqueName('produce');
  await kafka.createTopic({ name: topic, partitions: 3 });
  const result = await tributary([
    'produce',
    topic,
    '{"taskId":"t-9"}',
    '--brokers',
    kafka.bootstrapServers,
    '--key',
    'task-9',
    '--header',
    'source=cli',
    '--header',
    'trace=a=b',
    '--partition',
    '2',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `1 of 1 message(s) acknowledged by ${topic} (partition 2, offset 0)\n`);
  const [message] = await readTopic(kafka.bootstrapServers, topic, 1);
  assert.equal(message?.partition, 2);
  assert.equal(message?.key?.toString(), 'task-9');
  assert.equal(message?.value?.toString(), '{"taskId":"t-9"}');
  assert.deepEqual(
    message?.headers?.map((h) => Object.entries(h).map(([k, v]) => [k, v.toString()])[0]),
    [
      ['source', 'cli'],
      ['trace', 'a=b'],
    ],
  );
});

test('produce --file JSONL: string values as text, JSON values encoded, headers, keys, partitions', async () => {
  const topic = uniqueName('produce-file');
  await kafka.createTopic({ name: topic, partitions: 2 });
  const file = join(dir, 'messages.jsonl');
  writeFileSync(
    file,
    [
      '{"key":"a","value":{"n":1},"headers":{"kind":"json"},"partition":1}',
      '',
      '{"value":"just text","partition":0}',
      '{"key":"b","value":[1,2,3],"partition":1}',
    ].join('\n'),
  );
  const result = await tributary([
    'produce',
    topic,
    '--brokers',
    kafka.bootstrapServers,
    '--file',
    file,
    '--header',
    'batch=7',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `3 of 3 message(s) acknowledged by ${topic}\n`);
  const messages = await readTopic(kafka.bootstrapServers, topic, 3);
  const seen = messages
    .map((m) => ({
      partition: m.partition,
      key: m.key?.toString() ?? null,
      value: m.value?.toString(),
      headers: (m.headers ?? []).map((h) => Object.entries(h).map(([k, v]) => `${k}=${v.toString()}`)[0]),
    }))
    .sort((x, y) => String(x.value).localeCompare(String(y.value)));
  assert.deepEqual(seen, [
    { partition: 1, key: 'b', value: '[1,2,3]', headers: ['batch=7'] },
    { partition: 1, key: 'a', value: '{"n":1}', headers: ['batch=7', 'kind=json'] },
    { partition: 0, key: null, value: 'just text', headers: ['batch=7'] },
  ]);
});

test('produce: a bad JSONL line is named with its number and nothing is sent; a failed delivery exits 1', async () => {
  const topic = uniqueName('produce-bad');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, '{"value":"ok"}\n{"key":5,"value":"x"}\n');
  const bad = await tributary(['produce', topic, '--brokers', kafka.bootstrapServers, '--file', file]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^tributary: line 2: "key" must be a string\n$/);
  const latest = await tributary(['tail', topic, '--brokers', kafka.bootstrapServers, '--json']);
  assert.equal(latest.stdout, '', 'line 1 was not sent either');
  const failed = await tributary([
    'produce',
    topic,
    'v',
    '--brokers',
    kafka.bootstrapServers,
    '--partition',
    '5',
    '--timeout',
    '2000',
  ]);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stdout, /^0 of 1 message\(s\) acknowledged/);
  assert.match(failed.stderr, new RegExp(`(delivery to|cannot produce to) ${topic}`));
});
