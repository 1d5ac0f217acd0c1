import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
  withConsumer,
} from '@tributary/testing';

const run = promisify(execFile);
const cli = join(__dirname, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js');
const tributary = (args: string[]) =>
  run(process.execPath, [cli, ...args], { timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('tributary lag prints the broker\'s committed and end offsets, "-" where nothing was committed, and a total', async () => {
  const topic = uniqueName('lag');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 3 });
  await produceMessages(kafka.bootstrapServers, topic, 300, {
    message: (i) => ({ key: null, partition: i % 3, value: String(i) }),
  });
  await withConsumer(kafka.bootstrapServers, group, async (consumer) => {
    consumer.commitSync([
      { topic, partition: 0, offset: 40 },
      { topic, partition: 1, offset: 100 },
    ]);
  });
  const [committed, ends] = await Promise.all([
    committedOffsets(kafka.bootstrapServers, group, topic, 3),
    endOffsets(kafka.bootstrapServers, topic, 3),
  ]);
  assert.deepEqual(committed, [40, 100, -1001]);

  const json = await tributary(['lag', '--brokers', kafka.bootstrapServers, '--group', group, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as {
    totalLag: number;
    rows: Array<{ partition: number; currentOffset: number | null; logEndOffset: number; lag: number | null }>;
  };
  assert.deepEqual(
    parsed.rows.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag]),
    [
      [0, 40, ends[0], (ends[0] as number) - 40],
      [1, 100, ends[1], 0],
      [2, null, ends[2], null],
    ],
  );
  assert.equal(parsed.totalLag, (ends[0] as number) - 40);

  const table = await tributary(['lag', '--brokers', kafka.bootstrapServers, '--group', group, '--topic', topic]);
  const lines = table.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/));
  assert.deepEqual(lines[0], [
    'GROUP',
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
    'CONSUMER-ID',
    'HOST',
    'CLIENT-ID',
  ]);
  assert.deepEqual(lines[1], [
    group,
    topic,
    '0',
    '40',
    String(ends[0]),
    String((ends[0] as number) - 40),
    '-',
    '-',
    '-',
  ]);
  assert.deepEqual(lines[3]?.slice(0, 6), [group, topic, '2', '-', String(ends[2]), '-']);
  assert.deepEqual(lines[4], ['TOTAL', String((ends[0] as number) - 40)]);
});

test('tributary lag fills CONSUMER-ID, HOST and CLIENT-ID from DescribeGroups: every member and what it owns', async () => {
  const topic = uniqueName('members');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 4 });
  await produceMessages(kafka.bootstrapServers, topic, 40, {
    message: (i) => ({ key: null, partition: i % 4, value: String(i) }),
  });
  const members = await Promise.all(
    ['lag-member-a', 'lag-member-b'].map((clientId) => memberApp(topic, group, clientId)),
  );
  try {
    type Row = { partition: number; member?: { consumerId: string; host: string; clientId: string } };
    let rows: Row[] = [];
    await waitUntil(
      async () => {
        const json = await tributary(['lag', '--brokers', kafka.bootstrapServers, '--group', group, '--json']);
        rows = json.code === 0 ? (JSON.parse(json.stdout) as { rows: Row[] }).rows : [];
        return (
          rows.length === 4 && new Set(rows.map((r) => r.member?.clientId)).size === 2 && rows.every((r) => r.member)
        );
      },
      { timeoutMs: 30_000, message: 'both members listed as owners' },
    );
    for (const row of rows) {
      const member = row.member as NonNullable<Row['member']>;
      assert.match(member.clientId, /^lag-member-[ab]$/);
      assert.ok(member.consumerId.startsWith(`${member.clientId}-`), member.consumerId);
      assert.equal(member.host, '/127.0.0.1');
    }
    const table = await tributary(['lag', '--brokers', kafka.bootstrapServers, '--group', group]);
    const owners = table.stdout
      .trim()
      .split('\n')
      .slice(1, 5)
      .map((l) => l.split(/\s+/).slice(6));
    assert.deepEqual(
      owners.map(([, host, clientId]) => [host, clientId]).sort(),
      rows.map((r) => ['/127.0.0.1', r.member?.clientId]).sort(),
    );
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('unknown group, unknown topic and unreachable brokers: one line, exit code 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['lag', '--brokers', kafka.bootstrapServers, '--group', 'nobody-here'], /unknown group nobody-here/],
    [
      ['lag', '--brokers', kafka.bootstrapServers, '--group', 'g', '--topic', 'no-such-topic-xyz'],
      /unknown topic no-such-topic-xyz/,
    ],
    [['lag', '--brokers', '127.0.0.1:1', '--group', 'g', '--timeout', '1000'], /cannot reach brokers 127.0.0.1:1/],
  ];
  for (const [args, message] of cases) {
    const result = await tributary(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, message);
  }
});

test('tributary lag --watch with stdout in a file appends one plain block per refresh, no control codes', async () => {
  const topic = uniqueName('watch');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 100, {
    message: (i) => ({ key: null, partition: i % 2, value: String(i) }),
  });
  await withConsumer(kafka.bootstrapServers, group, async (consumer) => {
    consumer.commitSync([
      { topic, partition: 0, offset: 10 },
      { topic, partition: 1, offset: 20 },
    ]);
  });
  const ends = await endOffsets(kafka.bootstrapServers, topic, 2);
  const dir = mkdtempSync(join(tmpdir(), 'lag-watch-'));
  const outPath = join(dir, 'stdout.txt');
  const out = openSync(outPath, 'w');
  const args = ['lag', '--brokers', kafka.bootstrapServers, '--group', group, '--topic', topic];
  const child = spawn(process.execPath, [cli, ...args, '--watch', '--interval', '0.3'], {
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const refreshes = () => (readFileSync(outPath, 'utf8').match(/^TOTAL/gm) ?? []).length;
  let text: string;
  try {
    await waitUntil(() => refreshes() >= 3 || child.exitCode !== null, { timeoutMs: 20_000 });
    assert.equal(child.exitCode, null, `lag --watch exited early: ${stderr}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    text = readFileSync(outPath, 'utf8');
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!text.includes('\x1b'), `no escape codes in:\n${JSON.stringify(text)}`);
  assert.ok(!text.includes('\r'), `no carriage returns in:\n${JSON.stringify(text)}`);
  const blocks = text.trimEnd().split('\n\n');
  assert.ok(blocks.length >= 3, text);
  const times = blocks.map((block) => {
    const lines = block.split('\n').map((l) => l.split(/\s+/));
    assert.equal(lines.length, 5, block); // time, header, two partitions, TOTAL
    assert.deepEqual(lines[1]?.slice(-2), ['TREND/s', 'CATCH-UP']);
    assert.deepEqual(lines[2]?.slice(0, 6), [
      group,
      topic,
      '0',
      '10',
      String(ends[0]),
      String((ends[0] as number) - 10),
    ]);
    assert.deepEqual(lines[4]?.slice(0, 2), ['TOTAL', String((ends[0] as number) - 10 + (ends[1] as number) - 20)]);
    return Date.parse(lines[0]?.[0] as string);
  });
  for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) > (times[i - 1] as number), text);
});

/** Keeps producing to `topic` (spread over its partitions) until stopped. */
function keepProducing(topic: string, perBurst: number, partitions: number) {
  let running = true;
  const done = (async () => {
    let n = 0;
    while (running) {
      await produceMessages(kafka.bootstrapServers, topic, perBurst, {
        message: (i) => ({ key: null, partition: (n + i) % partitions, value: JSON.stringify({ n: n + i }) }),
      });
      n += perBurst;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

/** A member of `group` with every option at its default but its client id. */
async function memberApp(topic: string, group: string, clientId: string) {
  @ConsumerGroup(group)
  class Handler {
    @Consume({ topic, decoder: 'string' })
    async on() {}
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    clientId,
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  return app;
}

async function appWith(topic: string, group: string, handle: (msg: Message) => Promise<void>) {
  @ConsumerGroup(group, { ordering: 'partition', retryBackoffMs: { initial: 50, max: 100 } })
  class Handler {
    @Consume({ topic, decoder: 'string' })
    async on(msg: Message) {
      await handle(msg);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    groups: { [group]: { commitIntervalMs: 200 } },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const http = await startHealthServer(app, metrics, { port: 0 });
  await app.start();
  return {
    app,
    url: `http://127.0.0.1:${http.port}/metrics`,
    stop: async () => {
      await app.stop();
      await http.close();
    },
  };
}

test('tributary diagnose names a hot partition: one stuck partition grows while the others keep up', async () => {
  const topic = uniqueName('hot');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 4 });
  const stopProducing = keepProducing(topic, 40, 4);
  const service = await appWith(topic, group, async (msg) => {
    if (msg.partition === 2) throw new Error('stuck on a poison message');
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const result = await tributary([
      'diagnose',
      '--brokers',
      kafka.bootstrapServers,
      '--group',
      group,
      '--metrics',
      service.url,
      '--window',
      '4',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    // stderr is a pipe here: progress must be plain lines, one per observation, no `\r` redraws.
    assert.ok(!result.stderr.includes('\r') && !result.stderr.includes('\x1b'), JSON.stringify(result.stderr));
    assert.ok(
      (result.stderr.match(/^\[diagnose\] observed \d+\/4 s, total lag \d+$/gm) ?? []).length >= 3,
      result.stderr,
    );
    const findings = JSON.parse(result.stdout) as Array<{ id: string; evidence: string[] }>;
    const hot = findings.find((f) => f.id === 'hot-partition');
    assert.ok(hot, `hot-partition in ${JSON.stringify(findings.map((f) => f.id))}`);
    assert.match(hot.evidence[0] ?? '', new RegExp(`${topic}/2: lag \\d+`));
  } finally {
    await stopProducing();
    await service.stop();
  }
});

test('tributary diagnose names slow processing with the handler p99 from metrics', async () => {
  const topic = uniqueName('slow');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 3 });
  const stopProducing = keepProducing(topic, 30, 3);
  const service = await appWith(topic, group, () => new Promise((resolve) => setTimeout(resolve, 150)));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const result = await tributary([
      'diagnose',
      '--brokers',
      kafka.bootstrapServers,
      '--group',
      group,
      '--metrics',
      service.url,
      '--window',
      '4',
    ]);
    assert.equal(result.code, 0, result.stderr);
    // p99 is estimated from histogram buckets (0.1 s, 0.25 s), so it lands between them.
    const p99 = Number(/\[CRITICAL\] Slow processing: handler p99 (\d+) ms > 100 ms/.exec(result.stdout)?.[1]);
    assert.ok(p99 > 100 && p99 <= 250, `p99 ${p99} ms from:\n${result.stdout}`);
    assert.match(result.stdout, /ordering: 'key'/);
  } finally {
    await stopProducing();
    await service.stop();
  }
});
