// A projection's concurrency slot in `laneMap`, which it may lend out while it only waits.

/**
 * Given to each projection with its value: lets a projection that only waits (a `ctx.pause`) give
 * its concurrency slot to other lanes meanwhile, while its own lane stays held.
 */
export interface LaneSlot {
  /** Frees the slot for other lanes; the lane stays held (nothing behind this value starts). Idempotent. */
  release(): void;
  /** Resolves once the slot is taken again — before any waiting lane gets one. At once when not released. */
  reacquire(): Promise<void>;
}

/** What the slots of one `laneMap` share: how many are released, who waits to take one back. */
export interface SlotPool {
  released: number;
  reacquiring: Slot[];
  startNext: () => void;
}

/** One projection's `LaneSlot` (methods on the prototype: no closures per value). */
export class Slot implements LaneSlot {
  private state: 'held' | 'released' | 'waiting' = 'held';
  private taken?: Promise<void>;
  private resolveTaken?: () => void;

  constructor(private readonly pool: SlotPool) {}

  release(): void {
    if (this.state !== 'held') return;
    this.state = 'released';
    this.pool.released += 1;
    this.pool.startNext();
  }

  reacquire(): Promise<void> {
    if (this.state === 'held') return Promise.resolve();
    if (this.state === 'released') {
      this.state = 'waiting';
      this.taken = new Promise<void>((resolve) => {
        this.resolveTaken = resolve;
      });
      this.pool.reacquiring.push(this);
      this.pool.startNext();
    }
    return this.taken as Promise<void>;
  }

  /** Called by the pool when a slot is free for it: it counts as active again. */
  take(): void {
    this.pool.released -= 1;
    this.state = 'held';
    this.resolveTaken?.();
  }

  /** At the projection's end: a slot still released (or waited for) is no longer counted as released. */
  settle(): void {
    if (this.state === 'held') return;
    if (this.state === 'waiting') this.pool.reacquiring.splice(this.pool.reacquiring.indexOf(this), 1);
    this.pool.released -= 1;
    this.state = 'held';
  }
}
