import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import type { TopicPartition } from '../model/topic-partition.js';
import { produce, startBroker, uniqueName, until } from './broker-fixture.test-util.js';
import { ConsumerConnection } from './consumer-connection.js';

let kafka: Awaited<ReturnType<typeof startBroker>>;
before(async () => {
  kafka = await startBroker();
});
after(() => kafka.stop());

/** A member of a new group that owns every partition of `topic`, polled as the pipeline polls. */
async function member(topic: string) {
  const connection = new ConsumerConnection(
    { 'bootstrap.servers': kafka.bootstrapServers, 'group.id': uniqueName('g'), 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  let assigned: TopicPartition[] = [];
  // As GroupConsumer does: client errors are events (a close under a 1.5 s RTT can report one, e.g.
  // "Erroneous state"); without a listener an 'error' event is thrown after the test has ended.
  connection.on('error', () => {});
  connection.on('rebalance', (event) => {
    if (event.kind === 'assign') {
      connection.assign(event.partitions);
      assigned = event.partitions;
    } else connection.unassign(event.partitions);
  });
  await connection.connect();
  connection.subscribe([topic], 20);
  // The binding delivers commit answers while the consumer is polled, as the pipeline does all the time.
  let polling = true;
  const poller = (async () => {
    while (polling) await connection.consume(1);
  })();
  await until(() => assigned.length > 0);
  return {
    connection,
    async close() {
      polling = false;
      await poller;
      await connection.disconnect();
    },
  };
}

test('each commit resolves with its own answer; refusals carry their reason', async () => {
  const topic = uniqueName('commits');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await produce(kafka.bootstrapServers, topic, 10, 2);
  const { connection, close } = await member(topic);
  try {
    const [a, b] = await Promise.all([
      connection.commit([{ topic, partition: 0, offset: 3 }], 10_000),
      connection.commit([{ topic, partition: 1, offset: 4 }], 10_000),
    ]);
    assert.deepEqual([a.ok, b.ok], [true, true]);
    const committed = await connection.committed([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    assert.deepEqual(
      committed.map((c) => c.offset),
      [3, 4],
    );

    await kafka.injectErrors(ApiKey.OffsetCommit, [KafkaErrorCode.REBALANCE_IN_PROGRESS]);
    const refused = await connection.commit([{ topic, partition: 0, offset: 5 }], 10_000);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.reason, 'rebalance-in-progress');

    await kafka.injectErrors(ApiKey.OffsetCommit, [22 /* ILLEGAL_GENERATION */]);
    const stale = await connection.commit([{ topic, partition: 0, offset: 6 }], 10_000);
    assert.equal(!stale.ok && stale.reason, 'generation-gone');
    assert.equal((await connection.committed([{ topic, partition: 0 }]))[0]?.offset, 3, 'nothing refused landed');
  } finally {
    await close();
  }
});

test('a commit the coordinator does not answer in time resolves as a timeout; its late answer still arrives', async () => {
  const topic = uniqueName('slow');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const { connection, close } = await member(topic);
  try {
    await kafka.setRtt(1, 1_500);
    let late: boolean | undefined;
    const started = performance.now();
    const reply = await connection.commit([{ topic, partition: 0, offset: 9 }], 300, (r) => {
      late = r.ok;
    });
    const waited = performance.now() - started;
    assert.equal(!reply.ok && reply.reason, 'timeout');
    assert.ok(waited < 1_000, `resolved after ${Math.round(waited)} ms`);
    await until(() => late !== undefined, 10_000);
    assert.equal(late, true, 'the late answer was an acknowledgement');
  } finally {
    await kafka.setRtt(1, 0);
    await close();
  }
});
