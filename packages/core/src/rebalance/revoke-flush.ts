import type { TopicPartition } from '../offsets/offset-tracker.js';
import type { PartitionState } from '../pipeline/partition-state.js';

/** What the drain protocol needs from the group runtime. */
export interface FlushTarget {
  statesOf(partitions: TopicPartition[]): PartitionState[];
  /** Stops fetching the partitions (pause at the consumer). */
  stopFetching(partitions: TopicPartition[]): void;
  /** Discards queued, unstarted messages of revoking partitions. */
  discardUnstarted(): void;
  commitSync(partitions: TopicPartition[]): Promise<boolean>;
  runHooks(kind: 'revoked' | 'lost', partitions: TopicPartition[]): Promise<void>;
  release(partitions: TopicPartition[]): void;
  forget(partitions: TopicPartition[]): void;
}

/** A timeout that never keeps the process alive on its own (revoke timeouts can be long). */
const delay = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/**
 * The revoke-time flush, its steps in order:
 * 1. stop taking messages from the revoked partitions (pause, mark revoking);
 * 2. drop their buffered-but-unstarted messages — except gaps below work that already started
 *    (key/unordered modes), which run so the commit covers everything that ran;
 * 3. let their in-flight handlers (and those gaps) finish, bounded by `revokeTimeoutMs`; past it
 *    `ctx.signal` aborts;
 * 4. commit their completed offsets synchronously — skipped when the assignment was lost,
 *    since another member may already own them;
 * 5. run the user's @OnPartitionsRevoked (or @OnPartitionsLost) hooks;
 * 6. release them (incremental unassign under cooperative, unassign under eager) and forget them.
 * Returns whether step 3 timed out.
 */
export async function revokeFlush(
  target: FlushTarget,
  partitions: TopicPartition[],
  options: { lost: boolean; revokeTimeoutMs: number; abortGraceMs?: number },
): Promise<{ timedOut: boolean }> {
  const states = target.statesOf(partitions);
  for (const state of states) state.beginRevoke(!options.lost);
  target.stopFetching(partitions);
  target.discardUnstarted();

  let timedOut = false;
  const idle = Promise.all(states.map((s) => s.whenDrained()));
  if (options.lost) {
    for (const state of states) state.abortAll('partition lost');
  } else if ((await Promise.race([idle, delay(options.revokeTimeoutMs)])) === 'timeout') {
    timedOut = true;
    for (const state of states)
      state.abortAll(`partition revoked: handler exceeded revokeTimeoutMs=${options.revokeTimeoutMs}`);
    // A handler that honours its signal ends now; one that ignores it cannot hold the group forever.
    await Promise.race([idle, delay(options.abortGraceMs ?? 1_000)]);
  }

  if (!options.lost) await target.commitSync(partitions);
  await target.runHooks(options.lost ? 'lost' : 'revoked', partitions);
  target.release(partitions);
  target.forget(partitions);
  return { timedOut };
}
