/**
 * TxnOffsetCommit on the wire, as Kafka's group coordinator takes it (KIP-447): checked against
 * the group's generation and members, pending until EndTxn, committed or dropped with the
 * transaction.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import { WireClient } from './wire-client.js';

const ILLEGAL_GENERATION = 22;
const UNKNOWN_MEMBER_ID = 25;
const FENCED_INSTANCE_ID = 82;
const TOPIC = 'orders';

let broker: EmbeddedBroker;
let c: WireClient;
before(async () => {
  broker = await startBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
  c = await WireClient.open(broker.bootstrapServers, 'txn-wire');
});
after(async () => {
  c.close();
  await broker.stop();
});

test('TxnOffsetCommit: stale generation, unknown member and fenced instance refused; offsets pending until EndTxn commits them, dropped on abort', async () => {
  const groupId = 'txn-wire-group';
  const instanceId = 'pod-x';
  const joined = await c.joinGroup({ groupId, topics: [TOPIC], instanceId });
  const memberId = joined.memberId as string;
  const synced = await c.syncGroup({
    groupId,
    generationId: joined.generationId,
    memberId,
    instanceId,
    assignments: [{ memberId, assignment: Buffer.from('all') }],
  });
  assert.equal(synced.error, 0);

  const transactionalId = 'txn-wire-1';
  const pid = await c.initProducerId(transactionalId);
  assert.equal(pid.error, 0);
  const txn = { transactionalId, producerId: pid.producerId, epoch: pid.epoch };
  assert.equal(await c.addOffsetsToTxn({ ...txn, groupId }), 0);
  const commit = (over: { generationId?: number; memberId?: string; instanceId?: string | null }, offset: number) =>
    c.txnOffsetCommit({
      ...txn,
      groupId,
      generationId: joined.generationId,
      memberId,
      instanceId,
      ...over,
      offsets: [{ topic: TOPIC, partition: 0, offset }],
    });

  assert.deepEqual(await commit({ generationId: joined.generationId + 1 }, 5), [ILLEGAL_GENERATION]);
  assert.deepEqual(await commit({ memberId: 'nobody', instanceId: null }, 5), [UNKNOWN_MEMBER_ID]);
  assert.deepEqual(await commit({ memberId: 'an-older-id' }, 5), [FENCED_INSTANCE_ID]);
  assert.deepEqual(await commit({}, 5), [0]);
  assert.equal(await c.committedOffset(groupId, TOPIC, 0), -1, 'pending: not the group committed offset yet');
  assert.equal(await c.endTxn({ ...txn, commit: true }), 0);
  assert.equal(await c.committedOffset(groupId, TOPIC, 0), 5, 'committed with the transaction');

  assert.equal(await c.addOffsetsToTxn({ ...txn, groupId }), 0);
  assert.deepEqual(await commit({}, 9), [0]);
  assert.equal(await c.endTxn({ ...txn, commit: false }), 0);
  assert.equal(await c.committedOffset(groupId, TOPIC, 0), 5, 'the aborted offset was dropped');

  // A new instance of the transactional id: same producer id, next epoch; the old epoch is fenced.
  const successor = await c.initProducerId(transactionalId);
  assert.equal(successor.producerId, pid.producerId);
  assert.equal(successor.epoch, pid.epoch + 1);
  assert.notEqual(await c.addOffsetsToTxn({ ...txn, groupId }), 0, 'the old epoch is refused');
});
