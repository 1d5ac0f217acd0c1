/**
 * The embedded broker's classic group coordinator, request by request, against Kafka's rules
 * (apache/kafka GroupCoordinator: doCommitOffsets, handleHeartbeat, doSyncGroup, static members).
 * Each member is its own TCP connection, as in Kafka, where a pending JoinGroup holds its
 * connection until the round completes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { MEMBER_ID_REQUIRED, WireClient } from './wire-client.js';

const REBALANCE_IN_PROGRESS = 27;
const ILLEGAL_GENERATION = 22;
const UNKNOWN_MEMBER_ID = 25;
const FENCED_INSTANCE_ID = 82;
const TOPIC = 'orders';
const EMPTY_ASSIGNMENT = Buffer.alloc(0);

let broker: EmbeddedBroker;
const clients: WireClient[] = [];

before(async () => {
  broker = await startBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
});
after(async () => {
  for (const c of clients) c.close();
  await broker.stop();
});

async function client(name: string): Promise<WireClient> {
  const c = await WireClient.open(broker.bootstrapServers, name);
  clients.push(c);
  return c;
}

/** Joins alone into a new group and syncs: a stable group of one. */
async function stableGroupOfOne(groupId: string, instanceId: string | null = null) {
  const a = await client(`${groupId}-a`);
  const joined = await a.joinGroup({ groupId, topics: [TOPIC], instanceId });
  assert.equal(joined.error, 0);
  const memberId = joined.memberId as string;
  assert.equal(joined.leader, memberId);
  const synced = await a.syncGroup({
    groupId,
    generationId: joined.generationId,
    memberId,
    instanceId,
    assignments: [{ memberId, assignment: Buffer.from('all of it') }],
  });
  assert.equal(synced.error, 0);
  return { a, memberId, generationId: joined.generationId };
}

async function untilHeartbeat(
  c: WireClient,
  member: { groupId: string; generationId: number; memberId: string },
  code: number,
) {
  for (let i = 0; i < 100; i++) {
    if ((await c.heartbeat(member)) === code) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`heartbeat never answered ${code}`);
}

test('OffsetCommit: accepted while a round is open, refused only while it completes, stale generations refused', async () => {
  const groupId = 'commit-rules';
  const { a, memberId, generationId } = await stableGroupOfOne(groupId);
  const commit = (gen: number, offset: number, member = memberId) =>
    a.offsetCommit({ groupId, generationId: gen, memberId: member, offsets: [{ topic: TOPIC, partition: 0, offset }] });
  assert.deepEqual(await commit(generationId, 10), [0]);

  // A second member's JoinGroup opens a round: it waits until A rejoins.
  const b = await client('commit-rules-b');
  const bJoined = b.joinGroup({ groupId, topics: [TOPIC] });
  await untilHeartbeat(a, { groupId, generationId, memberId }, REBALANCE_IN_PROGRESS);

  // PreparingRebalance: the current generation may still commit (the seed's on_revoke commit).
  assert.deepEqual(await commit(generationId, 42), [0], 'a commit of the current generation during an open round');
  assert.equal(await a.committedOffset(groupId, TOPIC, 0), 42, 'a later fetch sees it');

  // A rejoins: the round completes at once with both members, in the next generation.
  const aJoined = await a.joinGroup({ groupId, memberId, topics: [TOPIC] });
  const bResult = await bJoined;
  assert.equal(aJoined.error, 0);
  assert.equal(bResult.error, 0);
  assert.equal(aJoined.generationId, generationId + 1);
  assert.equal(bResult.generationId, generationId + 1);
  assert.equal(aJoined.leader, memberId, 'the leader that rejoined stays leader');
  assert.equal(aJoined.members.length, 2, 'the leader gets every member');

  // CompletingRebalance: the new generation's members wait for the leader's assignment.
  assert.deepEqual(await commit(aJoined.generationId, 43), [REBALANCE_IN_PROGRESS]);
  assert.deepEqual(await commit(generationId, 44), [ILLEGAL_GENERATION], 'the old generation is stale');
  assert.equal(
    await b.heartbeat({ groupId, generationId: bResult.generationId, memberId: bResult.memberId as string }),
    0,
    'heartbeats keep sessions alive while the round completes',
  );

  const bMemberId = bResult.memberId as string;
  const bSynced = b.syncGroup({ groupId, generationId: bResult.generationId, memberId: bMemberId });
  const aSynced = await a.syncGroup({
    groupId,
    generationId: aJoined.generationId,
    memberId,
    assignments: [
      { memberId, assignment: Buffer.from('p0') },
      { memberId: bMemberId, assignment: Buffer.from('p1') },
    ],
  });
  assert.deepEqual([aSynced.error, aSynced.assignment?.toString()], [0, 'p0']);
  const bAssigned = await bSynced;
  assert.deepEqual([bAssigned.error, bAssigned.assignment?.toString()], [0, 'p1']);

  // Stable again.
  assert.deepEqual(await commit(aJoined.generationId, 45), [0]);
  assert.deepEqual(await commit(aJoined.generationId, 46, 'nobody'), [UNKNOWN_MEMBER_ID]);
  assert.equal(await a.committedOffset(groupId, TOPIC, 0), 45);
  // A late SyncGroup in a stable group gets the member's assignment at once.
  const again = await b.syncGroup({ groupId, generationId: bResult.generationId, memberId: bMemberId });
  assert.deepEqual([again.error, again.assignment?.toString()], [0, 'p1']);
});

test('a member that does not rejoin is dropped after the rebalance timeout, not the session timeout', async () => {
  const groupId = 'rebalance-timeout';
  const a = await client('rt-a');
  const b = await client('rt-b');
  const rebalanceTimeoutMs = 1_500;
  const join = (c: WireClient, memberId?: string) =>
    c.joinGroup({ groupId, memberId, topics: [TOPIC], sessionTimeoutMs: 45_000, rebalanceTimeoutMs });
  const first = await join(a);
  const aId = first.memberId as string;
  await a.syncGroup({
    groupId,
    generationId: first.generationId,
    memberId: aId,
    assignments: [{ memberId: aId, assignment: EMPTY_ASSIGNMENT }],
  });
  const bJoin = join(b);
  await untilHeartbeat(a, { groupId, generationId: first.generationId, memberId: aId }, REBALANCE_IN_PROGRESS);
  const [aRound, bRound] = await Promise.all([join(a, aId), bJoin]);
  const bId = bRound.memberId as string;
  const gen2 = aRound.generationId;
  const bSync = b.syncGroup({ groupId, generationId: gen2, memberId: bId });
  await a.syncGroup({ groupId, generationId: gen2, memberId: aId, assignments: [] });
  assert.equal((await bSync).error, 0);

  // A third member joins; A rejoins, B keeps heartbeating its old generation and never rejoins.
  const c = await client('rt-c');
  const started = performance.now();
  const cJoin = join(c);
  await untilHeartbeat(b, { groupId, generationId: gen2, memberId: bId }, REBALANCE_IN_PROGRESS);
  const aJoin = join(a, aId);
  const heartbeats = setInterval(() => void b.heartbeat({ groupId, generationId: gen2, memberId: bId }), 200);
  const [aRound3, cRound] = await Promise.all([aJoin, cJoin]);
  clearInterval(heartbeats);
  const waited = performance.now() - started;
  assert.equal(aRound3.members.length, 2, 'B is no longer a member');
  assert.ok(waited >= rebalanceTimeoutMs - 100 && waited < 10_000, `round completed after ${Math.round(waited)} ms`);
  assert.equal(cRound.generationId, gen2 + 1);
  await new Promise((r) => setTimeout(r, 300)); // let B's last heartbeat land
  assert.equal(await b.heartbeat({ groupId, generationId: gen2, memberId: bId }), UNKNOWN_MEMBER_ID);
});

test('static membership: a rejoining instance replaces its old member id without a rebalance; the old id is fenced', async () => {
  const groupId = 'static-rejoin';
  const { a, memberId: oldId, generationId } = await stableGroupOfOne(groupId, 'pod-1');
  const other = await client('static-other');

  // The restarted instance: a new connection, no member id, the same instance id and subscription.
  const restarted = await client('static-restarted');
  const rejoined = await restarted.joinGroup({ groupId, instanceId: 'pod-1', topics: [TOPIC] });
  assert.equal(rejoined.error, 0);
  assert.equal(rejoined.generationId, generationId, 'no new generation: no rebalance');
  assert.notEqual(rejoined.memberId, oldId, 'a new member id');
  assert.equal(rejoined.leader, oldId, 'the old leader id, so the new member does not reassign');
  const synced = await restarted.syncGroup({
    groupId,
    generationId,
    memberId: rejoined.memberId as string,
    instanceId: 'pod-1',
  });
  assert.deepEqual([synced.error, synced.assignment?.toString()], [0, 'all of it'], 'its assignment back');

  const old = { groupId, generationId, memberId: oldId, instanceId: 'pod-1' };
  assert.equal(await a.heartbeat(old), FENCED_INSTANCE_ID, 'the old incarnation is fenced');
  assert.deepEqual(await a.offsetCommit({ ...old, offsets: [{ topic: TOPIC, partition: 1, offset: 5 }] }), [
    FENCED_INSTANCE_ID,
  ]);
  const described = await other.describeGroup(groupId);
  assert.equal(described.state, 'Stable');
  assert.deepEqual(
    described.members.map((m) => [m.memberId, m.instanceId, m.clientId]),
    [[rejoined.memberId, 'pod-1', 'static-restarted']],
  );
});

test('a static member that goes away without LeaveGroup is removed only after its session timeout', async () => {
  const groupId = 'static-expiry';
  const sessionTimeoutMs = 2_000;
  const a = await client('se-a');
  const joined = await a.joinGroup({ groupId, instanceId: 'pod-9', topics: [TOPIC], sessionTimeoutMs });
  const memberId = joined.memberId as string;
  await a.syncGroup({ groupId, generationId: joined.generationId, memberId, instanceId: 'pod-9', assignments: [] });
  const watcher = await client('se-watcher');
  const gone = performance.now();
  await new Promise((r) => setTimeout(r, sessionTimeoutMs / 2));
  assert.equal((await watcher.describeGroup(groupId)).members.length, 1, 'still a member within its session');
  let state: string | null = null;
  while (performance.now() - gone < sessionTimeoutMs + 3_000) {
    const described = await watcher.describeGroup(groupId);
    state = described.state;
    if (described.members.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const removedAfter = performance.now() - gone;
  assert.equal(state, 'Empty');
  assert.ok(removedAfter >= sessionTimeoutMs - 250, `removed after ${Math.round(removedAfter)} ms`);
  assert.ok(
    (await watcher.listGroups()).some((g) => g.groupId === groupId && g.protocolType === 'consumer'),
    'ListGroups lists it',
  );
});

test('KIP-394: a first JoinGroup gets its member id at once; an open round waits for that pending member until it leaves', async () => {
  const groupId = 'member-id-required';
  const { a, memberId: aId, generationId } = await stableGroupOfOne(groupId);
  const b = await client('kip394-b');
  const first = await b.joinGroup({ groupId, topics: [TOPIC], stopAtMemberIdRequired: true });
  assert.equal(first.error, MEMBER_ID_REQUIRED, 'answered at once, not held for a round');
  const bId = first.memberId as string;
  assert.match(bId, /^kip394-b-/, 'a Kafka-style id made from the client id');
  assert.equal(await a.heartbeat({ groupId, generationId, memberId: aId }), 0, 'a pending id opens no round');

  // C joins (a round opens) and A rejoins: every member has joined, but B is still pending.
  const c = await client('kip394-c');
  const cJoin = c.joinGroup({ groupId, topics: [TOPIC] });
  await untilHeartbeat(a, { groupId, generationId, memberId: aId }, REBALANCE_IN_PROGRESS);
  let settled = false;
  const round = Promise.all([a.joinGroup({ groupId, memberId: aId, topics: [TOPIC] }), cJoin]).then((r) => {
    settled = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(settled, false, "the round waits for the pending member (Kafka's hasAllMembersJoined)");

  // B stops before joining with its id (a consumer closed right after subscribing): it knows its
  // id, so it leaves, and the round completes without waiting for B's session timeout.
  const leftAt = performance.now();
  assert.equal(await b.leaveGroup(groupId, bId), 0, 'LeaveGroup of a pending member id');
  const [aRound, cRound] = await round;
  assert.ok(performance.now() - leftAt < 2_000, 'completed right after the leave');
  assert.equal(aRound.error, 0);
  assert.equal(cRound.error, 0);
  assert.equal(aRound.generationId, generationId + 1);
  const leaderMembers = aRound.leader === aId ? aRound.members : cRound.members;
  assert.deepEqual(leaderMembers.map((m) => m.memberId).sort(), [aId, cRound.memberId].sort(), 'B is not a member');
});
