/** One lane of `laneMap`: its queued values, the value it runs (if any), and its place in the ready line. */
export class Lane<T> {
  readonly queue: T[] = [];
  /** The value being projected (the head of a batch), while `running`. */
  head?: T;
  running = false;
  /** In the ready line (`ReadyLanes`): at most once. */
  waiting = false;
  /** Dropped from the map (empty and idle): a stale entry in the ready line is skipped. */
  dropped = false;

  /** `key` null: the shared lane of values without an order constraint. */
  constructor(readonly key: string | null) {}
}

/**
 * Lanes with queued work waiting for a concurrency slot, first come first served; a lane is in
 * the line at most once. An array with a moving head instead of a Set: taking the first entry of a
 * Set builds an iterator, per message.
 */
export class ReadyLanes<T> {
  private items: Lane<T>[] = [];
  private head = 0;

  /** Puts the lane at the back of the line, unless it is in it already (or was dropped). */
  add(lane: Lane<T>): void {
    if (lane.waiting || lane.dropped) return;
    lane.waiting = true;
    this.items.push(lane);
  }

  /** Takes the lane that waited longest out of the line; undefined when none waits. */
  take(): Lane<T> | undefined {
    while (this.head < this.items.length) {
      const lane = this.items[this.head] as Lane<T>;
      this.head += 1;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (lane.waiting && !lane.dropped) {
        lane.waiting = false;
        return lane;
      }
    }
    return undefined;
  }
}

/** Takes a lane's batch off the front of its queue: up to `maxSize`, up to the first stale value. */
export function takeBatch<T>(queue: T[], maxSize: number, isStale?: (value: T) => boolean): T[] {
  let n = 0;
  while (n < queue.length && n < maxSize && !isStale?.(queue[n] as T)) n += 1;
  return queue.splice(0, n);
}
