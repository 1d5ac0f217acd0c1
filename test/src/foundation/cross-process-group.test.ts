import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
} from '@tributary/testing';

const run = promisify(execFile);

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka({ brokers: 3 });
});
after(() => kafka.stop());

test('10,000 keyed messages on a 6-partition topic come back through a consumer group in another process', async () => {
  const topic = uniqueName('foundation');
  const group = uniqueName('foundation-group');
  await kafka.createTopic({ name: topic, partitions: 6 });
  await produceMessages(kafka.bootstrapServers, topic, 10_000, {
    message: (i) => ({ key: `task-${i % 500}`, value: JSON.stringify({ seq: i }) }),
  });

  const ends = await endOffsets(kafka.bootstrapServers, topic, 6);
  assert.equal(
    ends.reduce((a, b) => a + b, 0),
    10_000,
  );
  assert.ok(
    ends.every((n) => n > 0),
    `keys spread over all 6 partitions: ${ends}`,
  );

  const fixture = join(__dirname, '..', 'fixtures', 'group-consumer.js');
  const { stdout } = await run(process.execPath, [fixture, kafka.bootstrapServers, group, topic, '10000'], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim()) as { count: number; distinct: number; byPartition: Record<string, number> };
  assert.equal(result.count, 10_000);
  assert.equal(result.distinct, 10_000, 'every message once');
  for (let p = 0; p < 6; p++) assert.equal(result.byPartition[p], ends[p], `partition ${p} fully read`);

  // The member's commit is visible to anyone asking the broker.
  assert.deepEqual(await committedOffsets(kafka.bootstrapServers, group, topic, 6), ends);
});
