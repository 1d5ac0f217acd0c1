import type { EventEmitter } from 'node:events';
import type { KafkaConsumer } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { TributaryError } from '../errors.js';
import type { CommitKind, TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import { type CommitOffset, partitionNames, type TopicPartition } from '../model/topic-partition.js';
import { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import type { PipelineMessage } from '../pipeline/message-envelope.js';
import { Gate } from './gate.js';
import { type OutputRecord, TransactionalProducer, type TransactionPort } from './transactional-producer.js';

export interface TransactionSettings {
  /** Commit once this many messages completed in the open transaction. */
  maxMessages: number;
  /** Commit at the latest this long after the transaction began. */
  maxMs: number;
}

export interface TransactionRunnerDeps {
  groupId: string;
  assignment: Assignment;
  /** The group's consumer: its group metadata (member id, generation) goes with the offsets. */
  consumer: () => KafkaConsumer;
  producerSettings: Record<string, string | number | boolean>;
  settings: TransactionSettings;
  /** Builds the producer (again after it was fenced); the binding's by default. */
  createProducer?: (settings: Record<string, string | number | boolean>) => TransactionPort;
  /** Moves a partition's position back (drain, fresh tracking, seek): `app.seek`'s path. */
  rewind: (tp: TopicPartition, offset: number) => Promise<unknown>;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
}

/** A message held at the gate of a partition whose transaction was aborted: it runs again after the rewind. */
export class TransactionAbortedError extends TributaryError {
  override readonly name = 'TransactionAbortedError';
}

/** `ctx.send` of a transactional handler. */
export type TransactionalContext<T = unknown> = MessageContext<T> & { send(record: OutputRecord): void };

/**
 * Consume-transform-produce in Kafka transactions, for one group member (KIP-447: one
 * transactional producer per member, the consumer's group metadata with the offsets).
 * Invariants:
 * - A transaction holds the output of completed messages only: `ctx.send` stages records per
 *   attempt, and only the final, successful attempt's are produced (a failed attempt, retried in
 *   place, or a dead-lettered message produces nothing).
 * - It commits with the offsets the partitions say are committable, while the gate holds every
 *   handler (see `Gate`): output and offsets never pass unfinished work.
 * - An abort rewinds every partition whose messages were in it to the first of them, so they run
 *   and produce again; the group's plain OffsetCommit is never used.
 */
export class TransactionRunner {
  private producer: TransactionPort;
  private readonly gate = new Gate();
  private open = false;
  private beginning?: Promise<void>;
  private completed = 0;
  private timer?: NodeJS.Timeout;
  /** Per partition key: the first offset that completed in the open transaction (its rewind target). */
  private readonly firstOffsets = new Map<string, { tp: TopicPartition; offset: number }>();
  private readonly rewinding = new Set<string>();
  private cycle: Promise<boolean> = Promise.resolve(true);
  /** A produce failed after part of a message's output was in the transaction: it must abort. */
  private doomed?: Error;
  private stopped = false;

  private readonly createProducer: (settings: Record<string, string | number | boolean>) => TransactionPort;

  constructor(private readonly deps: TransactionRunnerDeps) {
    this.createProducer = deps.createProducer ?? ((settings) => new TransactionalProducer(settings));
    this.producer = this.createProducer(deps.producerSettings);
    // Lost partitions (session timeout) commit nothing: output of theirs in the open transaction
    // must not commit either. The event comes after they left the assignment.
    deps.events.on('partitions.lost', ({ groupId }) => {
      if (groupId !== deps.groupId || !this.open) return;
      this.doomed ??= new TransactionAbortedError('partitions were lost with work in the open transaction');
      void this.commitCycle('periodic');
    });
  }

  /** Connects the producer and fences an earlier instance with the same transactional.id. */
  start(): Promise<void> {
    return this.producer.connect();
  }

  /** Wraps a handler's composed chain: the gate, `ctx.send`, the produce of a completed message. */
  wrap(chain: (ctx: MessageContext) => Promise<void>): (ctx: MessageContext) => Promise<void> {
    return async (ctx) => {
      const message = ctx.message as PipelineMessage;
      await this.enter(message);
      const staged: Array<{ attempt: number; record: OutputRecord }> = [];
      (ctx as TransactionalContext).send = (record) => {
        staged.push({ attempt: ctx.attempt, record });
      };
      let produced = false;
      try {
        await chain(ctx);
        if (this.deps.assignment.get(message.topic, message.partition) !== message.owner) {
          // The partition left (lost) or was sought meanwhile: its offset will not commit here.
          throw new TransactionAbortedError(`${message.topic}/${message.partition} left this member`);
        }
        if ((ctx.outcome ?? 'done') === 'done') {
          try {
            for (const s of staged) if (s.attempt === ctx.attempt) await this.producer.produce(s.record);
          } catch (err) {
            this.doomed ??= err as Error; // the message is retried; what it produced so far must go
            void this.commitCycle('periodic');
            throw err;
          }
        }
        produced = true;
        const key = message.owner.key;
        if (!this.firstOffsets.has(key)) this.firstOffsets.set(key, { tp: message.owner.tp, offset: message.offset });
        this.completed += 1;
      } finally {
        this.gate.leave();
      }
      if (produced && this.completed >= this.deps.settings.maxMessages) void this.commitCycle('periodic');
    };
  }

  private async enter(message: PipelineMessage): Promise<void> {
    // Counted in before the begin, and only while the gate is open: a commit cannot slip in between.
    while (!this.gate.tryEnter()) await this.gate.passed();
    if (this.rewinding.has(message.owner.key) || message.owner.leaving) {
      this.gate.leave();
      throw new TransactionAbortedError(`${message.topic}/${message.partition}: its transaction was aborted`);
    }
    if (this.open) return;
    try {
      this.beginning ??= this.producer.begin().then(
        () => {
          this.open = true;
          this.beginning = undefined;
          this.timer = setTimeout(() => void this.commitCycle('periodic'), this.deps.settings.maxMs);
          this.timer.unref();
        },
        (err) => {
          this.beginning = undefined;
          throw err;
        },
      );
      await this.beginning;
    } catch (err) {
      this.gate.leave();
      throw err;
    }
  }

  /** After the pipeline went idle: commit what completed. */
  commitSoon(): void {
    if (this.open && this.completed > 0) void this.commitCycle('periodic');
  }

  /**
   * The revoke, shutdown and seek commit: completes the open transaction (with the offsets of
   * every partition this member holds) before the partitions are released; returns the offsets
   * of `partitions` that did not commit (the transaction was aborted).
   */
  async commitNow(partitions: OwnedPartition[], _timeoutMs: number, kind: CommitKind): Promise<CommitOffset[]> {
    const due = Assignment.due(partitions).map((d) => d.offset);
    const ok = await this.commitCycle(kind);
    return ok ? [] : due;
  }

  /** One cycle at a time; each closes the gate, commits (or aborts and rewinds), reopens it. */
  private commitCycle(kind: CommitKind): Promise<boolean> {
    // Never rejects: a failed cycle must not stop the next ones (nor be an unhandled rejection).
    this.cycle = this.cycle.then(() =>
      this.commitOnce(kind).catch((err) => {
        this.deps.logger.error({ err, kind }, 'transaction cycle failed');
        return false;
      }),
    );
    return this.cycle;
  }

  private async commitOnce(kind: CommitKind): Promise<boolean> {
    if (this.stopped) return false;
    await this.gate.close();
    clearTimeout(this.timer);
    const due = Assignment.due(this.deps.assignment.all().filter((o) => !o.released));
    const started = performance.now();
    try {
      if (this.doomed) throw this.doomed;
      if (!this.open && due.length === 0) return true;
      // A revoke flush is under way for a partition with work in the transaction: its own commit
      // (kind 'revoke') completes it; a lost one dooms it (above).
      if (kind === 'periodic' && this.hasRevokingWork()) return true;
      if (!this.open) {
        await this.producer.begin();
        this.open = true;
      }
      const offsets = due.map((d) => d.offset);
      if (offsets.length > 0) await this.producer.sendOffsets(offsets, this.deps.consumer());
      await this.producer.commit();
      this.reset();
      for (const { owned, offset } of due) owned.acknowledged(offset.offset);
      if (offsets.length > 0) {
        this.deps.events.emit('offsets.committed', {
          groupId: this.deps.groupId,
          offsets,
          durationMs: performance.now() - started,
          kind,
        });
      }
      return true;
    } catch (err) {
      await this.abortAndRewind(
        err as Error,
        due.map((d) => d.offset),
        kind,
      );
      return false;
    } finally {
      this.gate.open();
    }
  }

  private hasRevokingWork(): boolean {
    return [...this.firstOffsets.values()].some(
      ({ tp }) => this.deps.assignment.get(tp.topic, tp.partition)?.revoking ?? true,
    );
  }

  private reset(): void {
    this.doomed = undefined;
    this.open = false;
    this.completed = 0;
    this.firstOffsets.clear();
  }

  /**
   * Aborts the open transaction and rewinds its partitions. The seeks begin while the gate is
   * still closed (they mark the partitions draining at once), so no held message of a rewound
   * partition runs into the next transaction; they complete after the gate reopened.
   */
  private async abortAndRewind(cause: Error, offsets: CommitOffset[], kind: CommitKind): Promise<void> {
    const rewinds = [...this.firstOffsets.entries()];
    this.reset();
    this.deps.logger.warn(
      { err: cause, kind, partitions: partitionNames(offsets), rewind: rewinds.map(([k, r]) => `${k}@${r.offset}`) },
      'transaction failed: aborted; its partitions are rewound and their messages run again',
    );
    this.deps.events.emit('offsets.commit-failed', {
      groupId: this.deps.groupId,
      offsets,
      error: cause,
      reason: 'other',
      kind,
      final: true,
    });
    try {
      await this.producer.abort();
    } catch (err) {
      // Fenced or fatal: a new producer with the same transactional.id (its InitProducerId aborts).
      this.deps.logger.warn({ err }, 'transaction abort failed: replacing the transactional producer');
      await this.producer.disconnect().catch(() => undefined);
      this.producer = this.createProducer(this.deps.producerSettings);
      await this.producer.connect();
    }
    for (const [key, { tp, offset }] of rewinds) {
      const owned = this.deps.assignment.get(tp.topic, tp.partition);
      if (!owned || owned.revoking || owned.released) continue; // the next owner reads the committed offset
      this.rewinding.add(key);
      void this.deps
        .rewind(tp, offset)
        .catch((err) => this.deps.logger.warn({ err, partition: key }, 'rewind after an aborted transaction failed'))
        .finally(() => this.rewinding.delete(key));
    }
  }

  /** After the last commit (shutdown): no transaction starts any more; the producer closes. */
  async stop(): Promise<void> {
    await this.cycle;
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.open) await this.producer.abort().catch(() => undefined);
    await this.producer.disconnect();
  }
}
