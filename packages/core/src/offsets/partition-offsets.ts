/**
 * Offsets of one partition that were handed to the pipeline and not yet committed.
 *
 * Invariant: `committable()` never passes an offset that is not done. It is the lowest offset
 * delivered but not done, or one past the highest delivered offset when everything is done —
 * gaps in the offsets (compaction, transaction markers) never hold it back, because only
 * delivered offsets are tracked.
 */
export class PartitionOffsets {
  /** Delivered offsets in delivery (= offset) order; the head is the oldest not yet released. */
  private readonly pending: number[] = [];
  private head = 0;
  /** Delivered offsets whose work has not reached a final outcome. */
  private readonly outstanding = new Set<number>();
  private highestDelivered = -1;

  /**
   * @param startOffset where consumption resumes when it is known to be past the committed offset
   *   (work this member finished before a rebalance but could not commit): offered for commit until
   *   the first delivery, so the position is saved even if no new message arrives.
   */
  constructor(private readonly startOffset?: number) {}

  /** Records that `offset` entered the pipeline. Offsets of one partition arrive in increasing order. */
  delivered(offset: number): void {
    if (offset <= this.highestDelivered) {
      throw new RangeError(`offset ${offset} delivered after ${this.highestDelivered}: offsets must increase`);
    }
    this.highestDelivered = offset;
    this.pending.push(offset);
    this.outstanding.add(offset);
  }

  /** Records that the work for `offset` reached a final outcome; unknown offsets are ignored. */
  markDone(offset: number): void {
    if (!this.outstanding.delete(offset)) return;
    // Release the contiguous run of done offsets at the head.
    while (this.head < this.pending.length && !this.outstanding.has(this.pending[this.head] as number)) {
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head); // compact occasionally so the array does not grow forever
      this.head = 0;
    }
  }

  /** The offset to commit (next to consume), or undefined when nothing was delivered yet. */
  committable(): number | undefined {
    if (this.highestDelivered < 0) return this.startOffset;
    return this.head < this.pending.length ? (this.pending[this.head] as number) : this.highestDelivered + 1;
  }

  /** Delivered offsets whose work has not reached a final outcome. */
  get incompleteCount(): number {
    return this.outstanding.size;
  }
}
