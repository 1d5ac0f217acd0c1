/**
 * Offsets of one partition that were handed to the pipeline and not yet committed.
 *
 * Invariant: `committable()` never passes an offset that is not done. It is the lowest offset
 * delivered but not done, or one past the highest delivered offset when everything is done —
 * gaps in the offsets (compaction, transaction markers) never hold it back, because only
 * delivered offsets are tracked.
 *
 * Two parallel arrays instead of a Set: offsets arrive in increasing order, so an offset's slot is
 * found by arithmetic when there are no gaps (the usual case) and by binary search otherwise.
 * (A Set add and delete per message was the costliest bookkeeping of a no-op run.)
 */
export class PartitionOffsets {
  /** Delivered offsets in delivery (= offset) order; slots before `head` are done and released. */
  private pending: number[] = [];
  /** `done[i]`: the work for `pending[i]` reached a final outcome. */
  private done: boolean[] = [];
  private head = 0;
  private outstanding = 0;
  private highestDelivered = -1;

  /**
   * @param startOffset where consumption resumes when it is known to be past the committed offset
   *   (work this member finished before a rebalance but could not commit): offered for commit until
   *   the first delivery, so the position is saved even if no new message arrives.
   */
  constructor(private readonly startOffset?: number) {}

  /**
   * Records that `offset` entered the pipeline; false (nothing recorded) for an offset at or below
   * one delivered before: a redelivery of a record this tracker already holds, whose first copy is
   * pending or done (librdkafka can restart a partition at its reset offset after it began fetching:
   * `Redeliveries` in pipeline/admission.ts). Tracked offsets stay in increasing order.
   */
  delivered(offset: number): boolean {
    if (offset <= this.highestDelivered) return false;
    this.highestDelivered = offset;
    this.pending.push(offset);
    this.done.push(false);
    this.outstanding += 1;
    return true;
  }

  /** Records that the work for `offset` reached a final outcome; unknown or repeated offsets are ignored. */
  markDone(offset: number): void {
    const slot = this.slotOf(offset);
    if (slot < 0 || this.done[slot]) return;
    this.done[slot] = true;
    this.outstanding -= 1;
    // Release the contiguous run of done offsets at the head.
    while (this.head < this.pending.length && this.done[this.head]) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      // compact occasionally so the arrays do not grow forever
      this.pending = this.pending.slice(this.head);
      this.done = this.done.slice(this.head);
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
    return this.outstanding;
  }

  /** The slot of a delivered, unreleased offset, or -1. */
  private slotOf(offset: number): number {
    const { pending, head } = this;
    if (head >= pending.length) return -1;
    const guess = head + (offset - (pending[head] as number));
    if (guess >= head && guess < pending.length && pending[guess] === offset) return guess;
    let lo = head;
    let hi = pending.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = pending[mid] as number;
      if (at === offset) return mid;
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
