import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, test } from 'node:test';
import { createLogger, type TributaryEvents } from '@tributary/core';
// The committer and connection are internal to the core; this pins how they report commits.
import { ConsumerConnection } from '@tributary/core/dist/connection/consumer-connection.js';
import { Committer } from '@tributary/core/dist/offsets/committer.js';
import { OffsetTracker, type TopicPartition } from '@tributary/core/dist/offsets/offset-tracker.js';
import { startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

/**
 * librdkafka hands every commit to offset_commit_cb, synchronous ones too. Those copies used to be
 * counted as extra asynchronous commits (doubling the commit metrics) and released the committer's
 * one-commit-in-flight guard early. Each commit must be reported once, with its real mode, and a
 * generation probe must get its own answer.
 */
test('each commit is reported once with its mode; a probe gets its own answer', async () => {
  const topic = uniqueName('commits');
  await kafka.createTopic({ name: topic, partitions: 1 });
  const connection = new ConsumerConnection(
    { 'bootstrap.servers': kafka.bootstrapServers, 'group.id': uniqueName('g'), 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  const tp: TopicPartition = { topic, partition: 0 };
  let assigned = false;
  connection.on('rebalance', (event) => {
    if (event.kind === 'assign') {
      connection.assign(event.partitions);
      assigned = true;
    } else connection.unassign(event.partitions);
  });
  const events = new EventEmitter<TributaryEvents>();
  const reported: Array<{ sync: boolean; offsets: string }> = [];
  events.on('offsets.committed', (e) =>
    reported.push({ sync: e.sync, offsets: e.offsets.map((o) => `${o.partition}@${o.offset}`).join() }),
  );
  const tracker = new OffsetTracker();
  tracker.track(topic, 0);
  const committer = new Committer('g', connection, tracker, events, createLogger({ level: 'silent' }), 60_000, () => [
    tp,
  ]);
  await connection.connect();
  connection.setConsumeTimeout(20);
  connection.subscribe([topic]);
  // The binding delivers commit callbacks while the consumer is polled, as the pipeline does all the time.
  let polling = true;
  const poller = (async () => {
    while (polling) await connection.consume(1);
  })();
  try {
    await waitUntil(() => assigned, { message: 'partition assigned' });
    const offsets = tracker.offsetsOf(topic, 0);
    assert.ok(offsets);
    for (let offset = 0; offset < 3; offset++) offsets.delivered(offset);
    for (let offset = 0; offset < 3; offset++) offsets.markDone(offset);
    assert.equal(await committer.commitSync([tp]), true);
    const answer = await committer.probe({ topic, partition: 0, offset: 3 });
    assert.equal(answer, undefined, 'the probe commit was accepted');
    // Give any late copy of the synchronous commit time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(
      reported,
      [{ sync: true, offsets: '0@3' }],
      'one report of the synchronous commit, none of the probe',
    );
  } finally {
    polling = false;
    await poller;
    await connection.disconnect();
  }
});
