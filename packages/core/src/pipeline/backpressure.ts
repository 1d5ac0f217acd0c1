import type { TopicPartition } from '../model/topic-partition.js';

export interface BufferState {
  readonly tp: TopicPartition;
  readonly inMemory: number;
  paused: boolean;
  /** Paused by someone else (`app.pause()`, a seek): never resumed here. */
  readonly held?: boolean;
}

export interface BackpressurePlan {
  pause: TopicPartition[];
  resume: TopicPartition[];
  /** How many messages the next poll may bring (≥ 1: a poll must happen to stay in the group). */
  fetchAtMost: number;
  /**
   * Nothing can arrive: no room, or every owned partition paused. A poll then only serves the
   * group (rebalances, liveness) and must not wait for messages — a blocking poll here kept the
   * pipeline from resuming for its whole wait after room had freed.
   */
  blocked: boolean;
  /** The per-partition share used for this plan. */
  share: number;
}

/**
 * Backpressure, decided before every poll.
 *
 * Invariant: `inMemory ≤ maxInFlight`. A poll never asks for more than the room left (nor more
 * than `batchSize`), and with no room at all every partition is paused: the poll (which then
 * returns nothing) only keeps the member alive and serves rebalances.
 *
 * Fairness: each partition has a share of the budget (`maxBufferedPerPartition`, by default
 * `maxInFlight` / owned partitions) so that one slow partition cannot fill memory and starve the
 * others. The share is enforced only under pressure (memory at least half full): below that a
 * partition may hold more, because pausing is expensive — librdkafka drops what it prefetched for a
 * paused partition and fetches it again on resume (a round trip and a whole record batch), so a
 * share enforced early paused partitions after every poll and starved fast handlers waiting on
 * refetches. A paused partition resumes once it holds half its share or memory is a quarter full.
 * Polls are not limited to one share: at 48 partitions that made every poll bring ~20 messages
 * and the thread wait on the binding's worker far more often than it worked. When the handlers
 * finished the last poll's `lastPollSize` messages before this poll, it may bring `idleBatchSize`
 * (default half of `maxInFlight`, the other half being room for the poll that `pollAheadSize` sends
 * out while these are handled): then each poll's fixed cost, paid per `batchSize` messages, was what
 * bounded them.
 * Marks the states' `paused` flags as planned.
 */
export function planBackpressure(
  partitions: readonly BufferState[],
  inMemory: number,
  limits: { maxInFlight: number; batchSize: number; idleBatchSize?: number; maxBufferedPerPartition?: number },
  lastPollSize = 0,
): BackpressurePlan {
  const { maxInFlight } = limits;
  // Kept up: the last poll brought messages and every one of them is done already. Only then may a
  // poll bring more than `batchSize` (`idleBatchSize`): a first poll that size went to one or two
  // partitions' prefetch and left the others' slow handlers idle (partition ordering, sleep(10):
  // half the throughput of its first seconds).
  const keptUp = lastPollSize > 0 && inMemory === 0;
  const batchSize = keptUp ? (limits.idleBatchSize ?? limits.batchSize) : limits.batchSize;
  const share = limits.maxBufferedPerPartition ?? Math.max(1, Math.floor(maxInFlight / Math.max(1, partitions.length)));
  const room = maxInFlight - inMemory;
  const underPressure = inMemory * 2 >= maxInFlight;
  const relieved = inMemory * 4 <= maxInFlight;
  const plan: BackpressurePlan = {
    pause: [],
    resume: [],
    fetchAtMost: Math.max(1, Math.min(batchSize, room)),
    blocked: false,
    share,
  };
  let fetching = 0;
  for (const state of partitions) {
    if (!state.paused && (room <= 0 || (underPressure && state.inMemory >= share))) {
      state.paused = true;
      plan.pause.push(state.tp);
    } else if (state.paused && !state.held && room > 0 && (state.inMemory <= share / 2 || relieved)) {
      state.paused = false;
      plan.resume.push(state.tp);
    }
    if (!state.paused) fetching += 1;
  }
  plan.blocked = partitions.length > 0 && (room <= 0 || fetching === 0);
  return plan;
}

/**
 * The size of a poll issued right after a batch was let in, before its handlers ran — or 0 for none
 * (the next poll is planned once the batch's synchronous work is done, as usual).
 *
 * Why: handlers that complete without I/O (a no-op, a cache hit) run a whole batch in microtasks, so
 * a poll planned after them left the thread idle while the binding's worker fetched the next batch
 * (~30 % of a no-op run's wall time at 1–48 partitions). Issued ahead, that fetch overlaps the work.
 * Only while the handlers keep up — the previous poll brought messages and all of them were done
 * before this batch arrived — and no partition is paused by backpressure: then nothing piles up
 * anywhere, so the share rules have nothing to decide, and a paused partition is left to the next
 * planned poll (which resumes it) instead of being starved by polls that skip planning.
 * Only after a batch of at most `POLL_AHEAD_MAX_MESSAGES`, and for at most as many: a larger poll's
 * fixed cost is spread over its messages already, and two large batches alive at once cost more
 * (garbage collection, two threads on the cores) than the overlap saves — with `batchSize` 5,000 a
 * no-op run read 13 % less with polls ahead of 5,000.
 * Invariant kept: the poll asks for at most the room left, so `inMemory ≤ maxInFlight`.
 */
export function pollAheadSize(
  state: {
    /** Messages in memory just before this batch was admitted. */
    inMemoryBefore: number;
    /** What the poll before this batch's brought. */
    previousPollSize: number;
    /** Messages in memory now, this batch included. */
    inMemory: number;
    /** Some partition is paused by backpressure (not held by the app or a seek). */
    anyPaused: boolean;
  },
  limits: { maxInFlight: number; batchSize: number; idleBatchSize?: number },
): number {
  if (state.previousPollSize === 0 || state.inMemoryBefore > 0 || state.anyPaused) return 0;
  if (state.inMemory > POLL_AHEAD_MAX_MESSAGES) return 0; // nothing before it: inMemory is this batch
  const room = limits.maxInFlight - state.inMemory;
  return Math.max(0, Math.min(limits.idleBatchSize ?? limits.batchSize, room, POLL_AHEAD_MAX_MESSAGES));
}

/** The largest batch a poll goes out ahead of, and the most that poll asks for. */
export const POLL_AHEAD_MAX_MESSAGES = 1_000;
