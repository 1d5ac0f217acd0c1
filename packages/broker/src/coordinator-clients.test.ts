/**
 * The embedded broker's group coordinator with real clients (librdkafka through
 * @confluentinc/kafka-javascript) at Kafka's default session timeout: what a consumer on Kafka
 * sees on a join, a revoke-time commit and a static member's restart.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaConsumer, type LibrdKafkaError, type TopicPartition } from '@confluentinc/kafka-javascript';
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';

const ASSIGN = -175;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

interface MemberOptions {
  groupId: string;
  strategy: 'range' | 'cooperative-sticky';
  instanceId?: string;
  /** Kafka's classic members learn of a round from their next heartbeat: this bounds a join. */
  heartbeatIntervalMs?: number;
  /** Runs on revoke before the partitions are released (the seed's on_revoke). */
  onRevoke?: (member: Member, partitions: TopicPartition[]) => Promise<void>;
}

/** A consumer that records its rebalances; `owned` is what it holds now. */
class Member {
  readonly owned = new Set<number>();
  readonly revoked: number[][] = [];
  readonly consumer: KafkaConsumer;
  private commitResults: Array<(err: LibrdKafkaError | null) => void> = [];

  constructor(
    readonly name: string,
    private readonly options: MemberOptions,
  ) {
    const cooperative = options.strategy === 'cooperative-sticky';
    this.consumer = new KafkaConsumer(
      {
        'bootstrap.servers': broker.bootstrapServers,
        'group.id': options.groupId,
        'client.id': name,
        'partition.assignment.strategy': options.strategy,
        'enable.auto.commit': false,
        'session.timeout.ms': 45_000,
        ...(options.heartbeatIntervalMs ? { 'heartbeat.interval.ms': options.heartbeatIntervalMs } : {}),
        ...(options.instanceId ? { 'group.instance.id': options.instanceId } : {}),
        offset_commit_cb: (err: LibrdKafkaError | undefined) => this.commitResults.shift()?.(err ?? null),
        rebalance_cb: (err: LibrdKafkaError, assignment: TopicPartition[]) => {
          const partitions = assignment.map((p) => p.partition);
          if (err.code === ASSIGN) {
            for (const p of partitions) this.owned.add(p);
            cooperative ? this.incremental.incrementalAssign(assignment) : this.consumer.assign(assignment);
            return;
          }
          this.revoked.push(partitions);
          const release = () => {
            for (const p of partitions) this.owned.delete(p);
            cooperative ? this.incremental.incrementalUnassign(assignment) : this.consumer.unassign();
          };
          const hook = this.options.onRevoke?.(this, assignment);
          hook ? hook.then(release, release) : release();
        },
      } as never,
      {},
    );
    this.consumer.setDefaultConsumeTimeout(100);
  }

  /** The binding has these methods; its type declarations omit them. */
  private get incremental() {
    return this.consumer as unknown as {
      incrementalAssign(tps: TopicPartition[]): void;
      incrementalUnassign(tps: TopicPartition[]): void;
    };
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) =>
      this.consumer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())),
    );
    this.consumer.subscribe([TOPIC]);
    const poll = () => {
      if (this.consumer.isConnected()) this.consumer.consume(10, () => setImmediate(poll));
    };
    poll();
    open.push(this);
    return this;
  }

  /** An asynchronous commit, awaited through offset_commit_cb (the thread never blocks). */
  commit(offsets: Array<TopicPartition & { offset: number }>): Promise<LibrdKafkaError | null> {
    return new Promise((resolve) => {
      this.commitResults.push(resolve);
      this.consumer.commit(offsets);
    });
  }

  committed(partition: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.consumer.committed([{ topic: TOPIC, partition }], 5_000, (err, tps) =>
        err ? reject(err) : resolve(tps[0]?.offset ?? -1),
      ),
    );
  }

  close(): Promise<void> {
    const i = open.indexOf(this);
    if (i >= 0) open.splice(i, 1);
    return new Promise((resolve) => {
      if (!this.consumer.isConnected()) return resolve();
      this.consumer.disconnect(() => resolve());
    });
  }
}

const member = (name: string, options: MemberOptions) => new Member(name, options).start();

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
