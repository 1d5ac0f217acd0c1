import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { KafkaConsumer } from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import type { CommitOffset, TopicPartition } from '../model/topic-partition.js';
import { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import type { PipelineMessage } from '../pipeline/message-envelope.js';
import { type TransactionalContext, TransactionRunner } from './transaction-runner.js';
import type { OutputRecord, TransactionPort } from './transactional-producer.js';

/** A transactional producer that records what it was asked to do. */
class FakeProducer implements TransactionPort {
  readonly log: string[] = [];
  readonly produced: string[] = [];
  failCommit = false;
  async connect() {}
  async begin() {
    this.log.push('begin');
  }
  async produce(record: OutputRecord) {
    this.produced.push(String(record.value));
  }
  async sendOffsets(offsets: CommitOffset[]) {
    this.log.push(`offsets ${offsets.map((o) => `${o.partition}:${o.offset}`).join(',')}`);
  }
  async commit() {
    if (this.failCommit) throw new Error('commit refused');
    this.log.push('commit');
  }
  async abort() {
    this.log.push('abort');
  }
  async disconnect() {}
}

function setup() {
  const producer = new FakeProducer();
  const assignment = new Assignment();
  const [owned] = assignment.add([{ topic: 'in', partition: 0 }]) as [OwnedPartition];
  const rewinds: Array<{ tp: TopicPartition; offset: number }> = [];
  const runner = new TransactionRunner({
    groupId: 'g',
    assignment,
    consumer: () => ({}) as KafkaConsumer,
    producerSettings: {},
    settings: { maxMessages: 1_000, maxMs: 60_000 },
    createProducer: () => producer,
    rewind: async (tp, offset) => {
      rewinds.push({ tp, offset });
    },
    events: new EventEmitter<TributaryEvents>(),
    logger: pino({ level: 'silent' }),
  });
  /** Runs one message the way the executor does: delivered, the chain, then marked done. */
  const run = async (offset: number, handler: (ctx: TransactionalContext) => Promise<void>) => {
    owned.admitted(offset);
    const message = { topic: 'in', partition: 0, offset, owner: owned } as unknown as PipelineMessage;
    const ctx = { message, attempt: 1 } as unknown as MessageContext;
    await runner.wrap((c) => handler(c as TransactionalContext))(ctx);
    owned.offsets.markDone(offset);
  };
  return { producer, owned, runner, rewinds, run };
}

test('only the final attempt of a message produces: a failed attempt and a retried one send nothing', async () => {
  const { producer, run } = setup();
  await assert.rejects(
    run(0, async (ctx) => {
      ctx.send({ topic: 'out', value: 'failed attempt' });
      throw new Error('boom');
    }),
  );
  await run(1, async (ctx) => {
    ctx.send({ topic: 'out', value: 'attempt 1' });
    ctx.attempt += 1; // a retry middleware inside the chain
    ctx.send({ topic: 'out', value: 'attempt 2' });
  });
  assert.deepEqual(producer.produced, ['attempt 2']);
});

test('a commit holds new handlers and waits for running ones, then sends the committable offsets with it', async () => {
  const { producer, owned, runner, run } = setup();
  await run(0, async (ctx) => ctx.send({ topic: 'out', value: 'm0' }));
  let release!: () => void;
  const running = run(1, async (ctx) => {
    ctx.send({ topic: 'out', value: 'm1' });
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await new Promise((resolve) => setImmediate(resolve));
  const committing = runner.commitNow([owned], 1_000, 'revoke');
  await new Promise((resolve) => setImmediate(resolve));
  let laterStarted = false;
  const later = run(2, async () => {
    laterStarted = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(producer.log, ['begin'], 'nothing commits while m1 runs');
  release();
  await running;
  assert.deepEqual(await committing, []);
  // m0 and m1 with offset 2, not the held m2 (it begins the next transaction).
  assert.deepEqual(producer.log.slice(0, 3), ['begin', 'offsets 0:2', 'commit']);
  assert.equal(owned.committed, 2);
  await later;
  assert.equal(laterStarted, true, 'the held message ran after the commit');
});

test('a failed commit aborts and rewinds the partition to the first message of the transaction', async () => {
  const { producer, owned, runner, rewinds, run } = setup();
  await run(0, async (ctx) => ctx.send({ topic: 'out', value: 'm0' }));
  assert.deepEqual(await runner.commitNow([owned], 1_000, 'periodic'), []);
  await run(1, async (ctx) => ctx.send({ topic: 'out', value: 'm1' }));
  await run(2, async (ctx) => ctx.send({ topic: 'out', value: 'm2' }));
  producer.failCommit = true;
  const uncommitted = await runner.commitNow([owned], 1_000, 'shutdown');
  assert.deepEqual(uncommitted, [{ topic: 'in', partition: 0, offset: 3 }]);
  assert.deepEqual(producer.log.slice(-2), ['offsets 0:3', 'abort']);
  assert.deepEqual(rewinds, [{ tp: { topic: 'in', partition: 0 }, offset: 1 }], 'back to m1, the first of it');
  assert.equal(owned.committed, 1, 'the committed offset stays where the last transaction put it');
});
