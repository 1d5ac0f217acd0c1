import { type CommitOffset, partitionKey, type TopicPartition } from '../model/topic-partition.js';
import { PartitionOffsets } from '../offsets/partition-offsets.js';

/**
 * Everything this member knows about one partition it owns, from its assignment until it is
 * released. Invariants:
 * - `inMemory` counts this partition's messages from arrival until their final outcome or their
 *   discard, `running` the ones whose handler is executing now;
 * - `due()` only offers `offsets.committable()`, so a commit never passes unfinished or failed
 *   work, and `committed` (what the coordinator acknowledged for us) only moves forward.
 *
 * On revoke, a queued message below `highestStarted` is a gap under work that already ran: it is
 * still processed, so the final commit covers everything that ran and the next owner repeats
 * nothing. Queued messages above it are discarded unstarted.
 */
export class OwnedPartition {
  readonly key: string;
  readonly offsets: PartitionOffsets;
  /** The last offset the coordinator acknowledged for this member. */
  committed?: number;
  /** Set when revocation starts: queued messages are discarded, new arrivals dropped. */
  revoking = false;
  /**
   * Set when the consumer gave it up (unassigned, or lost): from then on it may be another
   * member's, so a commit refused for a stale generation is not tried again for it.
   */
  released = false;
  /** Set when a seek drains it (see `beginDrain`). */
  draining = false;
  paused = false;
  /**
   * Who holds the partition paused regardless of backpressure: `app.pause()` ('app') or a seek in
   * progress ('seek'). Backpressure never resumes a held partition.
   */
  readonly holds = new Set<'app' | 'seek'>();
  inMemory = 0;
  running = 0;
  /** When a message of it last completed (the poll clock, ms since epoch; 0: none yet). */
  doneAt = 0;
  /** Highest offset whose handler has started (it is running or finished). */
  highestStarted = -1;
  /** While revoking, queued messages at or below this offset still run (see above). */
  private keepBelow = -1;
  /** Abort controllers of running handlers that asked for `ctx.signal` (created on first read). */
  private readonly controllers = new Set<AbortController>();
  /** Set by `abortAll`: handlers' signals are aborted with it, including ones created later. */
  abortReason?: Error;
  /** Aborted when revocation starts, to cut retry backoffs short. */
  private readonly revokeController = new AbortController();
  private drainWaiters: Array<() => void> = [];

  /** `startOffset`: where a seek put the position (committable until the first delivery). */
  constructor(
    readonly tp: TopicPartition,
    startOffset?: number,
  ) {
    this.key = partitionKey(tp.topic, tp.partition);
    this.offsets = new PartitionOffsets(startOffset);
  }

  get held(): boolean {
    return this.holds.size > 0;
  }

  get revokeSignal(): AbortSignal {
    return this.revokeController.signal;
  }

  /**
   * A message of this partition entered the pipeline; false for a redelivered offset this
   * assignment already tracks: it is not let in twice.
   */
  admitted(offset: number): boolean {
    if (!this.offsets.delivered(offset)) return false;
    this.inMemory += 1;
    return true;
  }

  /**
   * Starts revocation: queued messages above the started work become stale and retry sleeps end.
   * `keepGaps` is false when the partition is lost: nothing more runs for it.
   */
  beginRevoke(keepGaps: boolean): void {
    this.revoking = true;
    this.keepBelow = keepGaps ? this.highestStarted : -1;
    this.revokeController.abort();
  }

  /**
   * Starts draining for a seek: every queued message is dropped, new arrivals too, retry backoffs
   * end; running handlers finish. The partition stays owned (and `active`).
   */
  beginDrain(): void {
    this.draining = true;
    this.revokeController.abort();
  }

  /** Revoking or draining: nothing new starts for this state, retries give up. */
  get leaving(): boolean {
    return this.revoking || this.draining;
  }

  /** While revoking or draining: is this queued message to be dropped rather than run? */
  isDiscardable(offset: number): boolean {
    return this.draining || (this.revoking && offset > this.keepBelow);
  }

  /** Resolves when none of this partition's messages is in memory (ran, or discarded). */
  whenDrained(): Promise<void> {
    if (this.inMemory === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  started(offset: number): void {
    this.running += 1;
    if (offset > this.highestStarted) this.highestStarted = offset;
  }

  finished(): void {
    this.running -= 1;
  }

  /** A running handler's abort signal: created when the handler reads it, aborted by `abortAll`. */
  handlerSignal(): { signal: AbortSignal; release(): void } {
    const controller = new AbortController();
    if (this.abortReason) controller.abort(this.abortReason);
    else this.controllers.add(controller);
    return { signal: controller.signal, release: () => this.controllers.delete(controller) };
  }

  /** A message left memory (final outcome, given up, or discarded). */
  left(): void {
    this.inMemory -= 1;
    if (this.inMemory === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  abortAll(reason: string): void {
    this.abortReason ??= new Error(reason);
    for (const controller of this.controllers) controller.abort(this.abortReason);
  }

  /** The offset to commit if it moved past the last acknowledged one. */
  due(): CommitOffset | undefined {
    const offset = this.offsets.committable();
    return offset === undefined || offset === this.committed ? undefined : { ...this.tp, offset };
  }

  /** Records an acknowledged commit; a late answer to an older commit never moves it back. */
  acknowledged(offset: number): void {
    if (this.committed === undefined || offset > this.committed) this.committed = offset;
  }
}
