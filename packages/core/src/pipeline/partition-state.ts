import type { TopicPartition } from '../offsets/offset-tracker.js';

/**
 * What the pipeline knows about one owned partition. Invariant: `inMemory` counts this
 * partition's messages from arrival until their final outcome or their discard, and
 * `running` the ones whose handler is executing now.
 *
 * On revoke, a queued message below `highestStarted` is a gap under work that already ran: it is
 * still processed, so the final commit covers everything that ran and the next owner repeats
 * nothing. Queued messages above it are discarded unstarted.
 */
export class PartitionState {
  /** Set when revocation starts: queued messages are discarded, new arrivals dropped. */
  revoking = false;
  /**
   * Assigned but not started (see `GroupConsumer.holdUntilStable`): arrivals are dropped and the
   * first dropped offset kept, so fetching restarts there if the hold ends without a revoke.
   */
  held = false;
  heldFrom?: number;
  paused = false;
  inMemory = 0;
  running = 0;
  /** Highest offset whose handler has started (it is running or finished). */
  highestStarted = -1;
  /** While revoking, queued messages at or below this offset still run (see above). */
  private keepBelow = -1;
  /** Abort controllers of running handlers that asked for `ctx.signal` (created on first read). */
  readonly controllers = new Set<AbortController>();
  /** Set by `abortAll`: handlers' signals are aborted with it, including ones created later. */
  abortReason?: Error;
  /** Aborted when revocation starts, to cut retry backoffs short. */
  private readonly revokeController = new AbortController();
  private drainWaiters: Array<() => void> = [];

  constructor(readonly tp: TopicPartition) {}

  get revokeSignal(): AbortSignal {
    return this.revokeController.signal;
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

  /** While revoking: is this queued message to be dropped rather than run? */
  isDiscardable(offset: number): boolean {
    return this.revoking && offset > this.keepBelow;
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
}
