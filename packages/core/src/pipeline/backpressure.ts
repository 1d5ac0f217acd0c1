import type { TopicPartition } from '../model/topic-partition.js';

export interface BufferState {
  readonly tp: TopicPartition;
  readonly inMemory: number;
  paused: boolean;
}

export interface BackpressurePlan {
  pause: TopicPartition[];
  resume: TopicPartition[];
  /** How many messages the next poll may bring (≥ 1: a poll must happen to stay in the group). */
  fetchAtMost: number;
}

/**
 * Backpressure, decided before every poll. Each partition may hold its share of the group's
 * budget (`maxBufferedPerPartition`, by default `maxInFlight` / owned partitions): at its share it
 * is paused at the consumer, at half of it resumed. A poll never asks for more than the budget has
 * room for, nor more than one share (a batch usually comes from few partitions), so
 * `inMemory ≤ maxInFlight` always holds. With no room at all everything is paused, and the poll
 * (which then returns nothing) only keeps the member alive and serves rebalances.
 * Marks the states' `paused` flags as planned.
 */
export function planBackpressure(
  partitions: readonly BufferState[],
  inMemory: number,
  limits: { maxInFlight: number; batchSize: number; maxBufferedPerPartition?: number },
): BackpressurePlan {
  const { maxInFlight, batchSize } = limits;
  const share = limits.maxBufferedPerPartition ?? Math.max(1, Math.floor(maxInFlight / Math.max(1, partitions.length)));
  const room = maxInFlight - inMemory;
  const plan: BackpressurePlan = { pause: [], resume: [], fetchAtMost: Math.max(1, Math.min(batchSize, share, room)) };
  for (const state of partitions) {
    if (!state.paused && (room <= 0 || state.inMemory >= share)) {
      state.paused = true;
      plan.pause.push(state.tp);
    } else if (state.paused && room > 0 && state.inMemory <= share / 2) {
      state.paused = false;
      plan.resume.push(state.tp);
    }
  }
  return plan;
}
