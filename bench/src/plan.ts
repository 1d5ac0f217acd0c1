/**
 * Workload sizes of one run. The broker keeps ~5 MiB per partition (older batches are deleted), so
 * the largest backlog is sized under it: 240,000 × 200 B over 12 partitions ≈ 4.3 MB per partition
 * with record overhead. Keys are spread so every partition holds the same number of messages.
 */
export interface BenchPlan {
  quick: boolean;
  reps: number;
  partitions: number;
  valueBytes: number;
  keys: number;
  noop: { messages: number; warmupMessages: number };
  /** Per topic of the partition-scaling workload; more repetitions than the others, its ratios are the headline. */
  scaling: { messages: number; warmupMessages: number; reps: number };
  io: { messages: number; sleepMs: number; capSeconds: number };
  memory: { large: number; small: number; handlerMs: number; capSeconds: number };
  latency: { rate: number; warmupSeconds: number; seconds: number };
  rebalance: { rate: number; beforeSeconds: number; afterSeconds: number; maxWaitSeconds: number };
}

export function makePlan(options: { quick: boolean; reps?: number; messages?: number }): BenchPlan {
  const quick = options.quick;
  // --quick: half the backlog (24,000 flipped the no-op verdict from run to run: windows of ~0.1 s).
  const messages = options.messages ?? (quick ? 120_000 : 240_000);
  return {
    quick,
    reps: options.reps ?? (quick ? 1 : 3),
    partitions: 12,
    valueBytes: 200,
    keys: 1000,
    noop: { messages, warmupMessages: Math.round(messages / 4) },
    // 120,000: one partition of the embedded broker keeps ~144,000 of these keyed 16 B records (5 MiB,
    // measured). 60,000 made windows of ~0.4 s, where one 100 ms fetch backoff moved a ratio by 20 %.
    scaling: { messages: 120_000, warmupMessages: 20_000, reps: options.reps ?? (quick ? 3 : 5) },
    // --quick reads as many as the full run: with 6,000 (20,000) concurrency 256 read 0.58× (0.86×)
    // and concurrency 1,000 0.54× (0.45×) of its limit against 0.91× and 0.59× in the full run.
    io: { messages: 50_000, sleepMs: 10, capSeconds: quick ? 2 : 6 },
    memory: { large: messages, small: Math.round(messages / 10), handlerMs: 1, capSeconds: quick ? 4 : 12 },
    latency: { rate: 5000, warmupSeconds: quick ? 1 : 2, seconds: quick ? 2 : 6 },
    rebalance: { rate: 2000, beforeSeconds: quick ? 2 : 3, afterSeconds: quick ? 2 : 4, maxWaitSeconds: 20 },
  };
}
