/**
 * Lanes of `laneMap` waiting for their batch to fill (see `LaneMapOptions.batchOf`): one timer per
 * lane. A lane whose wait is over runs its batch as it is, until the batch starts (`stop`).
 */
export class LaneFill {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly over = new Set<string>();

  /** `onWaitOver`: the lane's wait ended (its batch may run now). */
  constructor(private readonly onWaitOver: (lane: string) => void) {}

  /** Whether the lane waited its time: its batch runs as it is. */
  isOver(lane: string): boolean {
    return this.over.has(lane);
  }

  /** Starts the lane's wait, unless one runs. */
  wait(lane: string, ms: number): void {
    if (this.timers.has(lane)) return;
    this.timers.set(
      lane,
      setTimeout(() => {
        this.timers.delete(lane);
        this.over.add(lane);
        this.onWaitOver(lane);
      }, ms),
    );
  }

  /** The lane's batch started (or the lane is gone): forget its wait. */
  stop(lane: string): void {
    this.over.delete(lane);
    const timer = this.timers.get(lane);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(lane);
  }

  /** Ends every wait; returns the lanes that were waiting. */
  stopAll(): string[] {
    const lanes = [...this.timers.keys()];
    for (const lane of lanes) this.stop(lane);
    return lanes;
  }
}
