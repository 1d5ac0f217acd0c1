import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { SeekPort } from '../connection/seek-port.js';
import { TributaryError } from '../errors.js';
import type { CommitKind, TributaryEvents } from '../events.js';
import { type CommitOffset, partitionKey, type TopicPartition } from '../model/topic-partition.js';
import type { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';

/** Where `app.pause/resume` apply: a topic, or one of its partitions. */
export interface PartitionSelector {
  topic: string;
  partition?: number;
}

/** `app.seek`: a partition of this member and an offset, or a timestamp (ms) to look the offset up by. */
export type SeekRequest = { topic: string; partition: number } & ({ offset: number } | { timestamp: number });

/** A runtime control request that cannot apply (partition not owned, revoked meanwhile, bad offset). */
export class ControlError extends TributaryError {
  override readonly name = 'ControlError';
}

export interface PartitionControlDeps {
  groupId: string;
  assignment: Assignment;
  fetch: { pause(partitions: TopicPartition[]): void; resume(partitions: TopicPartition[]): void };
  positions: SeekPort;
  /** Runs `fn` between two polls (`Pipeline.exclusively`). */
  betweenPolls: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Drops queued, unstarted messages of draining partitions (`Pipeline.discardUnstarted`). */
  discardUnstarted: () => void;
  /** Ends the poll loop's wait for room, so a released partition fetches at once. */
  wake: () => void;
  commit: (owned: OwnedPartition[], timeoutMs: number, kind: CommitKind) => Promise<CommitOffset[]>;
  events: EventEmitter<TributaryEvents>;
  logger: Logger;
}

const SEEK_TIMEOUT_MS = 10_000;

/**
 * The runtime control API of one group member: holding partitions paused and moving positions.
 * - A hold (`pause`) stops fetching; what is already in memory is still handled and committed.
 *   Backpressure never resumes a held partition, and holds outlive rebalances: a held topic's or
 *   partition's later assignments are held too, until `resume`.
 * - A seek drains the partition the way a revoke does (queued messages dropped, running ones
 *   finish), then, between two polls, starts its offset tracking afresh at the target, moves the
 *   fetch position and commits the target at once. The committed offset moves with the seek, in
 *   either direction, never silently: a backwards move is logged as a rewind and emitted
 *   (`control.seeked`, `rewound: true`), a forward one skips the messages in between on purpose.
 */
export class PartitionControl {
  private readonly heldTopics = new Set<string>();
  private readonly heldPartitions = new Set<string>();

  constructor(private readonly deps: PartitionControlDeps) {
    deps.events.on('partitions.assigned', ({ groupId, partitions }) => {
      if (groupId === deps.groupId) this.holdAssigned(partitions);
    });
  }

  pause(selector: PartitionSelector): TopicPartition[] {
    if (selector.partition === undefined) this.heldTopics.add(selector.topic);
    else this.heldPartitions.add(partitionKey(selector.topic, selector.partition));
    const held = this.owned(selector).filter((owned) => !owned.holds.has('app'));
    for (const owned of held) owned.holds.add('app');
    this.pauseFetching(held);
    const partitions = held.map((o) => o.tp);
    this.deps.logger.info({ ...selector, partitions: partitions.length }, 'paused by app.pause()');
    this.deps.events.emit('control.paused', { groupId: this.deps.groupId, ...selector, partitions });
    return partitions;
  }

  resume(selector: PartitionSelector): TopicPartition[] {
    if (selector.partition === undefined) {
      this.heldTopics.delete(selector.topic);
      for (const key of this.heldPartitions) if (key.startsWith(`${selector.topic}/`)) this.heldPartitions.delete(key);
    } else this.heldPartitions.delete(partitionKey(selector.topic, selector.partition));
    const released = this.owned(selector).filter((owned) => owned.holds.delete('app'));
    // Backpressure resumes them at the next poll (unless it holds them for room itself).
    this.deps.wake();
    const partitions = released.map((o) => o.tp);
    this.deps.logger.info({ ...selector, partitions: partitions.length }, 'resumed by app.resume()');
    this.deps.events.emit('control.resumed', { groupId: this.deps.groupId, ...selector, partitions });
    return partitions;
  }

  async seek(request: SeekRequest): Promise<{ from?: number; to: number }> {
    const { topic, partition } = request;
    const where = `${topic}/${partition}`;
    const owned = this.deps.assignment.get(topic, partition);
    if (!owned || owned.revoking) {
      throw new ControlError(`cannot seek ${where}: not assigned to this member of group "${this.deps.groupId}"`);
    }
    const to =
      'offset' in request
        ? request.offset
        : await this.deps.positions.offsetForTime(owned.tp, request.timestamp, SEEK_TIMEOUT_MS);
    if (!Number.isInteger(to) || to < 0) throw new ControlError(`cannot seek ${where}: offset ${to} is not ≥ 0`);
    const from = owned.committed;
    // 1. Drain like a revoke: stop fetching, drop what waits, let what runs finish.
    owned.holds.add('seek');
    this.pauseFetching([owned]);
    owned.beginDrain();
    this.deps.discardUnstarted();
    await owned.whenDrained();
    // 2. Between two polls: fresh tracking from the target, then the position itself.
    const fresh = await this.deps.betweenPolls(async () => {
      // A revoke that began meanwhile owns the partition's end: the seek gives way.
      if (this.deps.assignment.get(topic, partition) !== owned || owned.revoking) {
        throw new ControlError(`seek ${where} abandoned: the partition was revoked meanwhile`);
      }
      const replaced = this.deps.assignment.replace(owned, to);
      await this.deps.positions.seek(owned.tp, to, SEEK_TIMEOUT_MS);
      return replaced;
    });
    // 3. The position is the group's at once: a restart resumes at the target, not before it.
    const uncommitted = await this.deps.commit([fresh], SEEK_TIMEOUT_MS, 'seek');
    fresh.holds.delete('seek');
    this.deps.wake();
    const rewound = from !== undefined && to < from;
    const detail = { topic, partition, from, to, committed: uncommitted.length === 0 };
    if (rewound) this.deps.logger.warn(detail, `seek rewound the committed offset of ${where}: ${from} → ${to}`);
    else this.deps.logger.info(detail, `seek moved ${where} to ${to}`);
    this.deps.events.emit('control.seeked', { groupId: this.deps.groupId, topic, partition, from, to, rewound });
    return { from, to };
  }

  private holdAssigned(partitions: TopicPartition[]): void {
    const held = this.deps.assignment
      .find(partitions)
      .filter((o) => this.heldTopics.has(o.tp.topic) || this.heldPartitions.has(o.key));
    for (const owned of held) owned.holds.add('app');
    this.pauseFetching(held);
  }

  private pauseFetching(partitions: OwnedPartition[]): void {
    const fetching = partitions.filter((o) => !o.paused);
    for (const owned of fetching) owned.paused = true;
    this.deps.fetch.pause(fetching.map((o) => o.tp));
  }

  private owned(selector: PartitionSelector): OwnedPartition[] {
    return this.deps.assignment
      .active()
      .filter(
        (o) =>
          o.tp.topic === selector.topic && (selector.partition === undefined || o.tp.partition === selector.partition),
      );
  }
}
