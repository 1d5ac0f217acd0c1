import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { TributaryEvents } from '../events.js';
import type { HookKind } from '../model/definitions.js';
import { type CommitOffset, partitionNames, type TopicPartition } from '../model/topic-partition.js';
import type { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import { type FlushTarget, revokeFlush } from './revoke-flush.js';

/** What the rebalancer needs from the rest of the member. */
export interface RebalanceDeps {
  groupId: string;
  assignment: Assignment;
  consumer: {
    assign(partitions: TopicPartition[]): void;
    unassign(partitions: TopicPartition[]): void;
    pause(partitions: TopicPartition[]): void;
    resume(partitions: TopicPartition[]): void;
  };
  /** Awaited commit of the partitions' completed offsets; resolves with what did not land. */
  commit(partitions: OwnedPartition[], timeoutMs: number, kind: 'revoke' | 'shutdown'): Promise<CommitOffset[]>;
  discardUnstarted(): void;
  runHooks(kind: HookKind, partitions: TopicPartition[]): Promise<void>;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
  revokeTimeoutMs: number;
}

/**
 * Runs librdkafka's rebalance callbacks, one at a time and in order, as numbered steps. librdkafka
 * waits for the assign/unassign at the end of each, so a revoke's flush completes — its commit
 * acknowledged by the coordinator — before the partitions are released to the next owner.
 */
export class Rebalancer {
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly deps: RebalanceDeps) {}

  /** Queues a rebalance callback behind the ones before it. */
  enqueue(event: { kind: 'assign' | 'revoke'; partitions: TopicPartition[]; lost: boolean }): void {
    this.queue = this.queue
      .then(() => (event.kind === 'assign' ? this.assign(event.partitions) : this.revoke(event.partitions, event.lost)))
      .catch((err) => {
        this.deps.logger.error({ err, event }, 'rebalance handling failed');
        this.deps.events.emit('group.error', { groupId: this.deps.groupId, error: err as Error });
      });
  }

  /** Resolves once every queued callback ran. */
  idle(): Promise<void> {
    return this.queue;
  }

  /**
   * 1. own the partitions (fresh state: offsets, counts, signals);
   * 2. assign them at the consumer, which fetches from the group's committed offsets;
   * 3. resume them (librdkafka keeps a pause flag across unassign/assign: a partition we paused
   *    while revoking it earlier would come back paused forever);
   * 4. run @OnPartitionsAssigned hooks; 5. report.
   */
  private async assign(partitions: TopicPartition[]): Promise<void> {
    if (this.stopping) {
      // The stop's flush already ran: work taken now would never be committed (the next owner
      // would repeat it). librdkafka still needs the assign; the partitions stay paused and
      // unowned (admission drops what a poll brings) until closing the consumer releases them.
      this.deps.consumer.assign(partitions);
      this.deps.consumer.pause(partitions);
      this.deps.logger.info(
        { partitions: partitionNames(partitions) },
        'partitions assigned while stopping: not consumed',
      );
      return;
    }
    this.deps.assignment.add(partitions);
    this.deps.consumer.assign(partitions);
    this.deps.consumer.resume(partitions);
    this.deps.logger.info({ partitions: partitionNames(partitions) }, 'partitions assigned');
    await this.deps.runHooks('assigned', partitions);
    this.deps.events.emit('partitions.assigned', { groupId: this.deps.groupId, partitions });
  }

  /** The revoke-time flush (`revokeFlush`), then the partitions are forgotten. */
  private async revoke(partitions: TopicPartition[], lost: boolean): Promise<void> {
    if (this.stopping) {
      // stop() already flushed and committed: this is the consumer's own revoke on close.
      this.release(partitions);
      return;
    }
    const started = performance.now();
    const owned = this.deps.assignment.find(partitions);
    const { timedOut, uncommitted } = await revokeFlush(this.flushTarget('revoke', true), owned, partitions, {
      lost,
      timeoutMs: this.deps.revokeTimeoutMs,
    });
    this.deps.assignment.remove(owned);
    const durationMs = performance.now() - started;
    const names = partitionNames(partitions);
    if (lost) {
      this.deps.logger.warn(
        { partitions: names },
        'partitions lost (session timed out?): their uncommitted work will be redelivered',
      );
      this.deps.events.emit('partitions.lost', { groupId: this.deps.groupId, partitions });
    } else {
      this.deps.logger.info(
        { partitions: names, durationMs: Math.round(durationMs), timedOut },
        'partitions revoked after flush',
      );
      this.deps.events.emit('partitions.revoked', {
        groupId: this.deps.groupId,
        partitions,
        durationMs,
        timedOut,
        uncommitted,
      });
    }
  }

  /**
   * Graceful stop: after the queued callbacks, flushes every owned partition like a revoke (drain
   * within `timeoutMs`, commit awaited), without releasing them: closing the consumer does (static
   * members keep them for their session). Resolves with what could not be committed.
   */
  async stop(timeoutMs: number): Promise<CommitOffset[]> {
    await this.queue;
    this.stopping = true;
    const owned = this.deps.assignment.active();
    const { uncommitted } = await revokeFlush(
      this.flushTarget('shutdown', false),
      owned,
      owned.map((p) => p.tp),
      { lost: false, timeoutMs },
    );
    this.deps.assignment.remove(owned);
    return uncommitted;
  }

  private flushTarget(kind: 'revoke' | 'shutdown', release: boolean): FlushTarget {
    return {
      stopFetching: (tps) => this.deps.consumer.pause(tps),
      discardUnstarted: () => this.deps.discardUnstarted(),
      commit: (owned, timeoutMs) => this.deps.commit(owned, timeoutMs, kind),
      runHooks: (hook, tps) => this.deps.runHooks(hook, tps),
      release: (tps) => {
        if (release) this.release(tps);
      },
    };
  }

  private release(partitions: TopicPartition[]): void {
    for (const owned of this.deps.assignment.find(partitions)) owned.released = true;
    try {
      this.deps.consumer.unassign(partitions);
    } catch (err) {
      if (!this.stopping) throw err; // closing: the consumer releases everything itself
    }
  }
}
