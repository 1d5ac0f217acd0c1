import { KafkaConsumer, type LibrdKafkaError, type Message } from '@confluentinc/kafka-javascript';
import { type ConsumerSpec, type HandleFn, type RunningConsumer, signal } from './types.js';

const ASSIGN = -175;
const BATCH = 5000;

/** Binding methods its type declarations omit. */
interface Untyped {
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  rebalanceProtocol(): 'COOPERATIVE' | 'EAGER' | 'NONE';
  incrementalAssign(partitions: TopicPartition[]): void;
  incrementalUnassign(partitions: TopicPartition[]): void;
  commitSync(all: null): void;
}
type TopicPartition = { topic: string; partition: number };

/**
 * The binding at its practical limit: a `consume(5000)` loop, the handler called synchronously per
 * message (awaited only if it returns a promise), an asynchronous commit of the read positions after
 * every batch. Rebalancing follows the seed: eager, with a synchronous commit in the revoke callback.
 */
export async function startRaw(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  const assigned = signal();
  const cooperative = spec.rawRebalance === 'cooperative';
  let commits = 0;
  const consumer: KafkaConsumer = new KafkaConsumer(
    {
      'bootstrap.servers': spec.bootstrap,
      'group.id': spec.groupId,
      'enable.auto.commit': false,
      'partition.assignment.strategy': cooperative ? 'cooperative-sticky' : 'range',
      log_level: 3,
      rebalance_cb(this: KafkaConsumer, err: LibrdKafkaError, assignment: TopicPartition[]) {
        const self = this as unknown as Untyped;
        const incremental = self.rebalanceProtocol() === 'COOPERATIVE';
        if (err.code === ASSIGN) {
          if (incremental) self.incrementalAssign(assignment);
          else this.assign(assignment);
          assigned.resolve();
          return;
        }
        try {
          // The seed's pattern: commit what was processed before the partitions go.
          self.commitSync(null);
          commits += 1;
        } catch {
          /* refused mid-rebalance (the mock coordinator does): the next owner repeats that work */
        }
        if (incremental) self.incrementalUnassign(assignment);
        else this.unassign();
      },
      ...spec.rdkafka,
    } as never,
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
  );
  consumer.setDefaultConsumeTimeout(100);
  (consumer as unknown as Untyped).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.subscribe([spec.topic]);

  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(BATCH, (err, messages) => (err ? reject(err) : resolve(messages))),
      ).catch(() => [] as Message[]);
      for (const m of batch) {
        const result = handle(m.partition, m.offset, m.value ?? null);
        if (result) await result;
      }
      if (batch.length > 0 && !stopping) {
        consumer.commit(); // the positions of everything read
        commits += 1;
      }
    }
  })();

  return {
    assigned: assigned.promise,
    commits: () => commits,
    async stop() {
      stopping = true;
      await loop;
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}
