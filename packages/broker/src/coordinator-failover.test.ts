/**
 * The group coordinator's broker going down for a few seconds, as in Kafka with a replicated
 * __consumer_offsets: the group moves to another broker with its members, generation and
 * committed offsets; members find it within their session and keep their partitions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker } from './in-process-broker.js';
import { Member, sleep, until } from './test-member.js';

const TOPIC = 'failover';
const PARTITIONS = 6;

test('a coordinator down for 5 s: no member loses its partitions, commits land on the new coordinator', async () => {
  const broker = await startBroker({ brokers: 3, topics: [{ name: TOPIC, partitions: PARTITIONS }] });
  const groupId = 'failover-group';
  await broker.setCoordinator(groupId, 2);
  const options = {
    bootstrapServers: broker.bootstrapServers,
    topic: TOPIC,
    groupId,
    strategy: 'cooperative-sticky' as const,
  };
  const members = [await new Member('one', options).start(), await new Member('two', options).start()];
  try {
    await until('the partitions are shared', () => members.every((m) => m.owned.size === PARTITIONS / 2), 15_000);
    const [one] = members as [Member, Member];
    const partition = [...one.owned][0] as number;
    assert.equal(await one.commit([{ topic: TOPIC, partition, offset: 7 }]), null);
    const revocations = members.map((m) => m.revoked.length);

    await broker.setBrokerDown(2);
    await sleep(1_000);
    // The group now lives on another broker: a commit (retried by the client until it finds it) lands.
    assert.equal(await one.commit([{ topic: TOPIC, partition, offset: 8 }]), null, 'a commit during the outage');
    await sleep(4_000);
    await broker.setBrokerUp(2);
    await sleep(3_000); // heartbeats reach whichever broker coordinates the group now

    assert.deepEqual(
      members.map((m) => m.revoked.length),
      revocations,
      'no member lost or gave up partitions',
    );
    assert.deepEqual(
      members.map((m) => m.owned.size),
      [PARTITIONS / 2, PARTITIONS / 2],
    );
    assert.equal(await members[1]?.committed(partition), 8, 'committed offsets moved with the group');
  } finally {
    await Promise.all(members.map((m) => m.close()));
    await broker.stop();
  }
});
