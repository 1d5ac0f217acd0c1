import type { LaneView } from './lane-map.js';

/** What the per-key view reads off a message in a lane. */
export interface LaneMessage {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  /** When its batch was admitted (ms since epoch). */
  readonly admittedAt: number;
  /** When its handler first failed (unset while it has not). */
  readonly failingSince?: number;
  readonly failures: number;
  /** When its partition last completed a message (ms since epoch, 0: never). */
  readonly partitionDoneAt: number;
}

export interface KeyLane {
  topic: string;
  partition: number;
  key: string | null;
  /** How long the lane's head message has been in memory. */
  ageMs: number;
  /** Messages waiting behind it. */
  queued: number;
  /** How long the head has been failing and retrying (0: it is not). */
  failingForMs: number;
  failures: number;
  /** The partition completed other messages within `FLOWING_MS`: the other keys flow. */
  othersFlowing: boolean;
}

export interface HotKey {
  topic: string;
  partition: number;
  key: string | null;
  /** Estimated from a 1-in-8 sample of arrivals since the previous snapshot. */
  perSecond: number;
}

/** Key ordering's lanes, for `GroupStats.keys`: bounded lists, never one entry per key. */
export interface KeyLaneStats {
  lanes: number;
  oldest: KeyLane[];
  retrying: KeyLane[];
  hottest: HotKey[];
}

/** "The other keys flow": the partition completed a message this recently. */
const FLOWING_MS = 10_000;
/** Lanes counted for the hottest keys between two snapshots, at most (the rest are not counted). */
const MAX_SAMPLED_LANES = 10_000;
const SAMPLE_EVERY = 8;

const isKeyLane = (lane: string) => lane.includes('/k:') || lane.endsWith('/∅');

/** Sampled arrivals per key lane (lane-map calls `sample` for one arrival in 8). */
export class HotLanes {
  private counts = new Map<string, { count: number; topic: string; partition: number; key: string | null }>();
  private since = Date.now();

  sample(lane: string, message: { topic: string; partition: number; key: string | null }): void {
    if (!isKeyLane(lane)) return;
    const entry = this.counts.get(lane);
    if (entry) entry.count += 1;
    else if (this.counts.size < MAX_SAMPLED_LANES) {
      // Copied field by field: a pipeline message's coordinates are getters, which a spread drops.
      this.counts.set(lane, { count: 1, topic: message.topic, partition: message.partition, key: message.key });
    }
  }

  /** The `n` busiest key lanes since the previous call, and a new window. */
  take(n: number, now = Date.now()): HotKey[] {
    const seconds = Math.max(0.001, (now - this.since) / 1000);
    const top = [...this.counts.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, n)
      .map((e) => ({
        topic: e.topic,
        partition: e.partition,
        key: e.key,
        perSecond: (e.count * SAMPLE_EVERY) / seconds,
      }));
    this.counts = new Map();
    this.since = now;
    return top;
  }
}

/**
 * The key lanes now: their count, the `n` whose head message is oldest, the `n` retrying longest
 * (a poison message holding one key), and the `n` hottest. O(lanes), on a snapshot only.
 */
export function keyLaneStats<T extends LaneMessage>(
  view: LaneView<T>,
  hot: HotLanes,
  n: number,
  now = Date.now(),
): KeyLaneStats {
  const lanes: KeyLane[] = [];
  const laneIds = new Set<string>([...view.running.keys(), ...view.queued.keys()]);
  for (const lane of laneIds) {
    if (!isKeyLane(lane)) continue;
    const queue = view.queued.get(lane) ?? [];
    const head = view.running.get(lane) ?? queue[0];
    if (!head) continue;
    lanes.push({
      topic: head.topic,
      partition: head.partition,
      key: head.key,
      ageMs: Math.max(0, now - head.admittedAt),
      queued: view.running.has(lane) ? queue.length : Math.max(0, queue.length - 1),
      failingForMs: head.failingSince === undefined ? 0 : Math.max(0, now - head.failingSince),
      failures: head.failures,
      // Something of the partition completed after this head arrived or began failing, and lately.
      othersFlowing:
        head.partitionDoneAt > (head.failingSince ?? head.admittedAt) && now - head.partitionDoneAt < FLOWING_MS,
    });
  }
  return {
    lanes: lanes.length,
    oldest: [...lanes].sort((a, b) => b.ageMs - a.ageMs).slice(0, n),
    retrying: lanes
      .filter((l) => l.failingForMs > 0)
      .sort((a, b) => b.failingForMs - a.failingForMs)
      .slice(0, n),
    hottest: hot.take(n, now),
  };
}
