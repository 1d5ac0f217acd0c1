import type { TopicPartition } from '../offsets/offset-tracker.js';

/**
 * What the pipeline knows about one owned partition. Invariant: `inMemory` counts this
 * partition's messages from arrival until their final outcome or their discard, and
 * `running` the ones whose handler is executing now.
 */
export class PartitionState {
  /** Set when revocation starts: queued messages are discarded, new arrivals dropped. */
  revoking = false;
  paused = false;
  inMemory = 0;
  running = 0;
  readonly controllers = new Set<AbortController>();
  /** Aborted when revocation starts, to cut retry backoffs short. */
  private readonly revokeController = new AbortController();
  private idleWaiters: Array<() => void> = [];

  constructor(readonly tp: TopicPartition) {}

  get revokeSignal(): AbortSignal {
    return this.revokeController.signal;
  }

  /** Starts revocation: queued messages become stale and retry sleeps end. */
  beginRevoke(): void {
    this.revoking = true;
    this.revokeController.abort();
  }

  /** Resolves when no handler of this partition is running. */
  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  started(controller: AbortController): void {
    this.running += 1;
    this.controllers.add(controller);
  }

  finished(controller: AbortController): void {
    this.running -= 1;
    this.controllers.delete(controller);
    if (this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  abortAll(reason: string): void {
    for (const controller of this.controllers) controller.abort(new Error(reason));
  }
}
