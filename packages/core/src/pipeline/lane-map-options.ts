import type { Observable } from 'rxjs';
import type { LaneSlot } from './lane-slot.js';

/** The options of `laneMap` / `laneMapEach`. */
export interface LaneMapOptions<T, R = unknown> {
  /** Most projections running at once across all lanes. */
  concurrency: number;
  /** Checked when a value reaches the front of its lane: stale values are discarded unstarted. */
  isStale?: (value: T) => boolean;
  /** Called for every discarded value (to release its accounting). */
  onDiscard?: (value: T) => void;
  /** Each emission discards every queued value that `isStale` now rejects, without waiting for a slot. */
  purge?: Observable<unknown>;
  /** Receives a function that lists the lanes now (for per-key observability; called on a scrape, not per value). */
  inspect?: (view: () => LaneView<T>) => void;
  /** Called for one value in 8 with its lane (a sampled arrival rate per lane, for the hottest keys). */
  sample?: (lane: string, value: T) => void;
  /**
   * Whether the value at the front of a lane starts a batch: then up to `maxSize` of the lane's
   * queued values run as one `projectBatch`. While fewer are queued, the lane waits `waitMs` for
   * more (holding no concurrency slot). Unset, or undefined for a value: it runs alone.
   */
  batchOf?: (head: T) => { maxSize: number; waitMs: number } | undefined;
  /** Projects a batch (see `batchOf`); required with `batchOf`. */
  projectBatch?: (values: T[], slot: LaneSlot) => Promise<R>;
}

/** The lanes at one moment: each lane's running value (if any) and its queued values. */
export interface LaneView<T> {
  running: ReadonlyMap<string, T>;
  queued: ReadonlyMap<string, readonly T[]>;
}
