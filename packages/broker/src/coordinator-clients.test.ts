/**
 * The embedded broker's group coordinator with real clients (librdkafka through
 * @confluentinc/kafka-javascript) at Kafka's default session timeout: what a consumer on Kafka
 * sees on a join, a revoke-time commit and a static member's restart.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { Member, type MemberOptions, sleep, until } from './test-member.js';

const TOPIC = 'events';
const PARTITIONS = 6;

let broker: EmbeddedBroker;
const open: Member[] = [];

before(async () => {
  broker = await startBroker({ topics: [{ name: TOPIC, partitions: PARTITIONS }] });
});
after(async () => {
  await Promise.all(open.map((m) => m.close()));
  await broker.stop();
});

async function member(name: string, options: Omit<MemberOptions, 'bootstrapServers' | 'topic'>): Promise<Member> {
  const m = await new Member(name, { ...options, bootstrapServers: broker.bootstrapServers, topic: TOPIC }).start();
  open.push(m);
  return m;
}

for (const strategy of ['range', 'cooperative-sticky'] as const) {
  test(`${strategy}: a second member's join completes in under 2 s at session.timeout.ms 45000`, async () => {
    const groupId = `join-${strategy}`;
    const options = { groupId, strategy, heartbeatIntervalMs: 500 };
    const first = await member('first', options);
    await until('the first member owns every partition', () => first.owned.size === PARTITIONS);
    const joinedAt = performance.now();
    const second = await member('second', options);
    await until(
      'both members own partitions',
      () => second.owned.size > 0 && first.owned.size + second.owned.size === PARTITIONS,
    );
    const tookMs = performance.now() - joinedAt;
    assert.ok(tookMs < 2_000, `join took ${Math.round(tookMs)} ms`);
    assert.equal(second.owned.size, PARTITIONS / 2);
    await Promise.all([first.close(), second.close()]);
  });
}

test('a commit in the revoke callback, while the join round is open, lands and the next owner reads it', async () => {
  const groupId = 'revoke-commit';
  const results: Array<LibrdKafkaError | null> = [];
  const first = await member('first', {
    groupId,
    strategy: 'range',
    async onRevoke(self, partitions) {
      // The round is open (the second member waits in JoinGroup) until this member rejoins.
      results.push(await self.commit(partitions.map((tp) => ({ ...tp, offset: 100 + tp.partition }))));
    },
  });
  await until('the first member owns every partition', () => first.owned.size === PARTITIONS);
  const second = await member('second', { groupId, strategy: 'range' });
  await until('the round completed', () => second.owned.size > 0 && first.owned.size > 0, 15_000);
  assert.deepEqual(results, [null], 'the revoke-time commit was accepted');
  for (const p of second.owned) assert.equal(await second.committed(p), 100 + p, `partition ${p}`);
  await Promise.all([first.close(), second.close()]);
});

test('a static member restarted within its session gets its partitions back; the other member sees no revocation', async () => {
  const groupId = 'static-restart';
  const options = { groupId, strategy: 'cooperative-sticky' as const, heartbeatIntervalMs: 500 };
  const steady = await member('steady', { ...options, instanceId: 'pod-a' });
  await until('steady owns every partition', () => steady.owned.size === PARTITIONS);
  const restarting = await member('restarting', { ...options, instanceId: 'pod-b' });
  await until('the group shares the partitions', () => restarting.owned.size === PARTITIONS / 2, 15_000);
  const before = [...restarting.owned].sort();
  const steadyRevocations = steady.revoked.length;

  await restarting.close(); // a static member leaves no LeaveGroup: its membership waits out the session
  await sleep(1_000);
  const again = await member('restarting-again', { ...options, instanceId: 'pod-b' });
  await until('the restarted member owns partitions', () => again.owned.size > 0);
  await sleep(2_000); // a rebalance, had there been one, would have reached the other member by now
  assert.deepEqual([...again.owned].sort(), before, 'the same partitions');
  assert.equal(steady.revoked.length, steadyRevocations, 'the other member saw no revocation');
  assert.equal(steady.owned.size, PARTITIONS / 2);
  await Promise.all([steady.close(), again.close()]);
});

test('a consumer closed while its first join is held leaves: the other member keeps every partition (no ghost until its session times out)', async () => {
  const groupId = 'closed-while-joining';
  const options = { groupId, strategy: 'cooperative-sticky' as const };
  const first = await member('stays', options);
  await until('the first member owns every partition', () => first.owned.size === PARTITIONS);
  // Its JoinGroup is held until the first member rejoins (at its next heartbeat, 3 s by default).
  const brief = new Member('brief', { ...options, bootstrapServers: broker.bootstrapServers, topic: TOPIC });
  void brief.start().catch(() => undefined);
  await sleep(400);
  await brief.close();
  // Stock mock and a coordinator without KIP-394: "brief" never learnt its member id, could not
  // leave, was given half the partitions and held them until its 45 s session expired.
  await sleep(10_000);
  assert.equal(first.owned.size, PARTITIONS, 'the member that stayed owns every partition 10 s later');
  await first.close();
});
