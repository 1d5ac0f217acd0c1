import { PartitionOffsets } from './partition-offsets.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface CommitOffset extends TopicPartition {
  offset: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

/**
 * Offsets of every partition this member owns, and what has been committed for each.
 * Invariant: `due()` only offers offsets from `PartitionOffsets.committable()`, so a commit
 * never passes unfinished or failed work; a partition is forgotten only once released.
 */
export class OffsetTracker {
  private readonly partitions = new Map<
    string,
    { tp: TopicPartition; offsets: PartitionOffsets; committed?: number }
  >();

  /** Starts tracking a newly owned partition; `startOffset` as in `PartitionOffsets`. */
  track(topic: string, partition: number, startOffset?: number): void {
    const key = partitionKey(topic, partition);
    if (!this.partitions.has(key))
      this.partitions.set(key, { tp: { topic, partition }, offsets: new PartitionOffsets(startOffset) });
  }

  forget(topic: string, partition: number): void {
    this.partitions.delete(partitionKey(topic, partition));
  }

  owns(topic: string, partition: number): boolean {
    return this.partitions.has(partitionKey(topic, partition));
  }

  /** The offsets of one owned partition (for this assignment), to update without a lookup per message. */
  offsetsOf(topic: string, partition: number): PartitionOffsets | undefined {
    return this.partitions.get(partitionKey(topic, partition))?.offsets;
  }

  /** Offsets that moved past what was last committed, for all or the given partitions. */
  due(only?: TopicPartition[]): CommitOffset[] {
    const keys = only ? only.map((tp) => partitionKey(tp.topic, tp.partition)) : [...this.partitions.keys()];
    const result: CommitOffset[] = [];
    for (const key of keys) {
      const state = this.partitions.get(key);
      const offset = state?.offsets.committable();
      if (state && offset !== undefined && offset !== state.committed) result.push({ ...state.tp, offset });
    }
    return result;
  }

  /** Records a successful commit (only moves forward: a late ack of an older commit is ignored). */
  committed(offsets: CommitOffset[]): void {
    for (const c of offsets) {
      const state = this.partitions.get(partitionKey(c.topic, c.partition));
      if (state && (state.committed === undefined || c.offset > state.committed)) state.committed = c.offset;
    }
  }

  committedOffset(topic: string, partition: number): number | undefined {
    return this.partitions.get(partitionKey(topic, partition))?.committed;
  }

  incomplete(topic: string, partition: number): number {
    return this.partitions.get(partitionKey(topic, partition))?.offsets.incompleteCount ?? 0;
  }
}
