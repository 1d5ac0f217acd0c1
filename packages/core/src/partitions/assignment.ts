import { type CommitOffset, partitionKey, type TopicPartition } from '../model/topic-partition.js';
import { OwnedPartition } from './owned-partition.js';

/**
 * The partitions this member owns now, one `OwnedPartition` each. A partition enters on assign
 * and leaves once released (revoked after its flush, or lost); nothing about it outlives that.
 */
export class Assignment {
  private readonly byKey = new Map<string, OwnedPartition>();

  /** Starts owning these partitions (already owned ones keep their state). */
  add(partitions: readonly TopicPartition[]): OwnedPartition[] {
    return partitions.map((tp) => {
      const key = partitionKey(tp.topic, tp.partition);
      let owned = this.byKey.get(key);
      if (!owned) {
        owned = new OwnedPartition({ topic: tp.topic, partition: tp.partition });
        this.byKey.set(key, owned);
      }
      return owned;
    });
  }

  /** The owned partitions among `partitions`. */
  find(partitions: readonly TopicPartition[]): OwnedPartition[] {
    return partitions.flatMap((tp) => this.byKey.get(partitionKey(tp.topic, tp.partition)) ?? []);
  }

  get(topic: string, partition: number): OwnedPartition | undefined {
    return this.byKey.get(partitionKey(topic, partition));
  }

  /**
   * A fresh state for an owned partition whose position moved (a seek): new offset tracking from
   * `startOffset`, nothing in memory, the same holds. The old state must have drained.
   */
  replace(owned: OwnedPartition, startOffset: number): OwnedPartition {
    const fresh = new OwnedPartition(owned.tp, startOffset);
    for (const hold of owned.holds) fresh.holds.add(hold);
    fresh.paused = owned.paused;
    this.byKey.set(owned.key, fresh);
    return fresh;
  }

  /** Stops owning these partitions. */
  remove(partitions: readonly OwnedPartition[]): void {
    for (const owned of partitions) if (this.byKey.get(owned.key) === owned) this.byKey.delete(owned.key);
  }

  all(): OwnedPartition[] {
    return [...this.byKey.values()];
  }

  /** Owned and not being revoked: fetched, processed and committed in steady state. */
  active(): OwnedPartition[] {
    const result: OwnedPartition[] = [];
    for (const owned of this.byKey.values()) if (!owned.revoking) result.push(owned);
    return result;
  }

  /** The due offsets of `partitions`, paired with the partition they belong to. */
  static due(partitions: readonly OwnedPartition[]): Array<{ owned: OwnedPartition; offset: CommitOffset }> {
    return partitions.flatMap((owned) => {
      const offset = owned.due();
      return offset ? [{ owned, offset }] : [];
    });
  }

  get size(): number {
    return this.byKey.size;
  }
}
