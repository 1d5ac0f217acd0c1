import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaConsumer } from '@confluentinc/kafka-javascript';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
  withConsumer,
} from '@tributary/testing';
import { tributary } from './cli-support.js';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

/** A topic of 3 partitions with 10 messages each and a group that committed 2, 5 and 8. */
async function groupAt258(): Promise<{ topic: string; group: string }> {
  const topic = uniqueName('reset');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 3 });
  await produceMessages(kafka.bootstrapServers, topic, 30, {
    message: (i) => ({ key: null, partition: i % 3, value: String(i) }),
  });
  await withConsumer(kafka.bootstrapServers, group, async (consumer) => {
    consumer.commitSync([0, 1, 2].map((partition) => ({ topic, partition, offset: [2, 5, 8][partition] as number })));
  });
  return { topic, group };
}

const reset = (group: string, topic: string, ...args: string[]) =>
  tributary(['offsets', 'reset', '--brokers', kafka.bootstrapServers, '--group', group, '--topic', topic, ...args]);

/** The table's rows as [partition, current, new, note]. */
const rows = (stdout: string) =>
  stdout
    .split('\n')
    .slice(1)
    .filter((line) => line && !/^(dry run|committed)/.test(line))
    .map((line) => {
      const [, , partition, current, next, ...note] = line.split(/\s+/);
      return [Number(partition), current, Number(next), note.join(' ')];
    });

test('offsets reset is a dry run by default: it prints current and new offsets and commits nothing', async () => {
  const { topic, group } = await groupAt258();
  const result = await reset(group, topic, '--to-earliest');
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\n')[0]?.split(/\s+/), [
    'GROUP',
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'NEW-OFFSET',
    'NOTE',
  ]);
  assert.deepEqual(rows(result.stdout), [
    [0, '2', 0, ''],
    [1, '5', 0, ''],
    [2, '8', 0, ''],
  ]);
  assert.match(
    result.stdout,
    new RegExp(`dry run: nothing committed; add --execute to commit these offsets for ${group}`),
  );
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [2, 5, 8]);
});

test('offsets reset --execute commits the new offsets: --to-latest, --to-offset for one partition', async () => {
  const { topic, group } = await groupAt258();
  const latest = await reset(group, topic, '--to-latest', '--execute');
  assert.equal(latest.code, 0, latest.stderr);
  assert.match(latest.stdout, new RegExp(`committed 3 offset\\(s\\) for group ${group} on ${topic}`));
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [10, 10, 10]);
  const one = await reset(group, topic, '--partition', '1', '--to-offset', '4', '--execute');
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(rows(one.stdout), [[1, '10', 4, '']]);
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [10, 4, 10]);
});

test('--shift-by and --to-offset are clamped to [earliest, log end], and the table says so', async () => {
  const { topic, group } = await groupAt258();
  const back = await reset(group, topic, '--shift-by', '-4');
  assert.deepEqual(rows(back.stdout), [
    [0, '2', 0, 'clamped from -2'],
    [1, '5', 1, ''],
    [2, '8', 4, ''],
  ]);
  const forward = await reset(group, topic, '--shift-by', '5', '--execute');
  assert.equal(forward.code, 0, forward.stderr);
  assert.deepEqual(rows(forward.stdout), [
    [0, '2', 7, ''],
    [1, '5', 10, ''],
    [2, '8', 10, 'clamped from 13'],
  ]);
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [7, 10, 10]);
  const beyond = await reset(group, topic, '--to-offset', '100');
  assert.deepEqual(
    rows(beyond.stdout).map((r) => [r[2], r[3]]),
    [
      [10, 'clamped from 100'],
      [10, 'clamped from 100'],
      [10, 'clamped from 100'],
    ],
  );
});

test('--to-datetime: the first message at or after the time; the log end after the last, earliest before the first', async () => {
  const topic = uniqueName('reset-time');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, topic, 6, {
    message: (i) => ({ key: null, partition: i % 2, value: 'old' }),
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const since = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await produceMessages(kafka.bootstrapServers, topic, 4, {
    message: (i) => ({ key: null, partition: i % 2, value: 'new' }),
  });
  const at = await reset(group, topic, '--to-datetime', since, '--execute');
  assert.equal(at.code, 0, at.stderr);
  assert.deepEqual(rows(at.stdout), [
    [0, '-', 3, ''],
    [1, '-', 3, ''],
  ]);
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 2), [3, 3]);
  const future = await reset(group, topic, '--to-datetime', '2999-01-01T00:00:00Z');
  assert.deepEqual(
    rows(future.stdout).map((r) => r[2]),
    [5, 5],
  );
  const past = await reset(group, topic, '--to-datetime', '2000-01-01');
  assert.deepEqual(
    rows(past.stdout).map((r) => r[2]),
    [0, 0],
  );
});

test('offsets reset is refused while the group has an active member, naming the group and its member count', async () => {
  const { topic, group } = await groupAt258();
  const member = new KafkaConsumer(
    {
      'bootstrap.servers': kafka.bootstrapServers,
      'group.id': group,
      'enable.auto.commit': false,
      log_level: 0,
    } as never,
    {},
  );
  await new Promise<void>((resolve, reject) => member.connect({}, (err) => (err ? reject(err) : resolve())));
  member.setDefaultConsumeTimeout(100);
  member.subscribe([topic]);
  let polling = true;
  const poll = () => {
    if (polling) member.consume(10, () => setImmediate(poll));
  };
  poll();
  try {
    let refused = await reset(group, topic, '--to-earliest', '--execute');
    await waitUntil(
      async () => {
        refused = await reset(group, topic, '--to-earliest', '--execute');
        return refused.code === 1;
      },
      { timeoutMs: 30_000, message: () => `a refusal (last: ${refused.code} ${refused.stderr})` },
    );
    assert.equal(
      refused.stderr,
      `tributary: group ${group} has 1 active member(s) (state Stable): stop its consumers before resetting its offsets\n`,
    );
    assert.equal(refused.stdout, '', 'no table: nothing was planned');
    const dryRun = await reset(group, topic, '--to-earliest');
    assert.equal(dryRun.code, 1, 'a dry run is refused too (as Kafka does)');
  } finally {
    polling = false;
    await new Promise<void>((resolve) => member.disconnect(() => resolve()));
  }
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [2, 5, 8]);
  const afterLeave = await reset(group, topic, '--to-earliest', '--execute');
  assert.equal(afterLeave.code, 0, afterLeave.stderr);
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 3), [0, 0, 0]);
});

test('offsets reset names bad input: an unknown topic, no or two --to flags, nothing to shift, a bad time', async () => {
  const { topic } = await groupAt258();
  const fresh = uniqueName('g');
  const cases: Array<[string[], number, RegExp]> = [
    [['--topic-x'], 2, /unknown option '--topic-x'/],
    [
      ['--to-earliest', '--to-latest'],
      2,
      /give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by/,
    ],
    [[], 2, /give exactly one of/],
    [['--shift-by', '1'], 2, new RegExp(`--shift-by: the group has no committed offset on ${topic}/0 to shift`)],
    [['--to-datetime', 'noon'], 2, /--to-datetime must be an ISO time such as 2026-05-01T12:00:00Z, got "noon"/],
    [['--shift-by', '1.5'], 2, /--shift-by must be an integer/],
  ];
  for (const [args, code, message] of cases) {
    const result = await reset(fresh, topic, ...args);
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const unknown = await reset(fresh, 'no-such-topic-reset', '--to-earliest');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown topic no-such-topic-reset/);
});
