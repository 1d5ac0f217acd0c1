/**
 * A librdkafka consumer (through @confluentinc/kafka-javascript) for the broker's tests: it records
 * its rebalances and commits asynchronously, awaiting offset_commit_cb. Not part of the public API.
 */
import assert from 'node:assert/strict';
import { KafkaConsumer, type LibrdKafkaError, type TopicPartition } from '@confluentinc/kafka-javascript';

const ASSIGN = -175;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

export interface MemberOptions {
  bootstrapServers: string;
  topic: string;
  groupId: string;
  strategy: 'range' | 'cooperative-sticky';
  instanceId?: string;
  /** Kafka's classic members learn of a round from their next heartbeat: this bounds a join. */
  heartbeatIntervalMs?: number;
  /** Runs on revoke before the partitions are released (the seed's on_revoke). */
  onRevoke?: (member: Member, partitions: TopicPartition[]) => Promise<void>;
}

/** A consumer that records its rebalances; `owned` is what it holds now. */
export class Member {
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
        'bootstrap.servers': options.bootstrapServers,
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
    this.consumer.subscribe([this.options.topic]);
    const poll = () => {
      if (this.consumer.isConnected()) this.consumer.consume(10, () => setImmediate(poll));
    };
    poll();
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
      this.consumer.committed([{ topic: this.options.topic, partition }], 5_000, (err, tps) =>
        err ? reject(err) : resolve(tps[0]?.offset ?? -1),
      ),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.consumer.isConnected()) return resolve();
      this.consumer.disconnect(() => resolve());
    });
  }
}
