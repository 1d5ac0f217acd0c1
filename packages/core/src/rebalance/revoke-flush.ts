import type { CommitOffset, TopicPartition } from '../model/topic-partition.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';

/** What the drain protocol acts on. */
export interface FlushTarget {
  /** Stops fetching the partitions (pause at the consumer). */
  stopFetching(partitions: TopicPartition[]): void;
  /** Discards queued, unstarted messages of revoking partitions. */
  discardUnstarted(): void;
  /** Commits, awaited; resolves with the offsets that did not land within `timeoutMs`. */
  commit(partitions: OwnedPartition[], timeoutMs: number): Promise<CommitOffset[]>;
  runHooks(kind: 'revoked' | 'lost', partitions: TopicPartition[]): Promise<void>;
  /** Gives the partitions back (unassign) and forgets them. */
  release(partitions: TopicPartition[]): void;
}

export interface FlushOptions {
  lost: boolean;
  /** Bounds the wait for in-flight handlers, and then the commit. */
  timeoutMs: number;
  /** After the abort, how long handlers that honour `ctx.signal` get to return. */
  abortGraceMs?: number;
  /** The least time the commit gets even when the handlers used up `timeoutMs`. */
  minCommitMs?: number;
}

/** A timeout that never keeps the process alive on its own (revoke timeouts can be long). */
const delay = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/**
 * The revoke-time (and shutdown) flush, its steps in order:
 * 1. stop taking messages from the partitions (pause, mark revoking);
 * 2. drop their buffered-but-unstarted messages — except gaps below work that already started
 *    (key/unordered modes), which run so the commit covers everything that ran;
 * 3. let their in-flight handlers (and those gaps) finish, bounded by `timeoutMs`; past it
 *    `ctx.signal` aborts;
 * 4. commit their completed offsets and await the coordinator's answer (asynchronous at the
 *    binding: the thread never blocks), within what is left of `timeoutMs` (at least
 *    `minCommitMs`) — skipped when the assignment was lost, since another member may own them;
 * 5. run the user's @OnPartitionsRevoked (or @OnPartitionsLost) hooks;
 * 6. release them (incremental unassign under cooperative, unassign under eager).
 * Returns whether step 3 timed out and what step 4 could not commit.
 */
export async function revokeFlush(
  target: FlushTarget,
  owned: OwnedPartition[],
  partitions: TopicPartition[],
  options: FlushOptions,
): Promise<{ timedOut: boolean; uncommitted: CommitOffset[] }> {
  const started = performance.now();
  for (const p of owned) p.beginRevoke(!options.lost);
  target.stopFetching(partitions);
  target.discardUnstarted();

  let timedOut = false;
  const idle = Promise.all(owned.map((p) => p.whenDrained()));
  if (options.lost) {
    for (const p of owned) p.abortAll('partition lost');
  } else if ((await Promise.race([idle, delay(options.timeoutMs)])) === 'timeout') {
    timedOut = true;
    for (const p of owned) p.abortAll(`partition revoked: handler exceeded the timeout of ${options.timeoutMs} ms`);
    // A handler that honours its signal ends now; one that ignores it cannot hold the group forever.
    await Promise.race([idle, delay(options.abortGraceMs ?? 1_000)]);
  }

  let uncommitted: CommitOffset[] = [];
  if (!options.lost) {
    const left = options.timeoutMs - (performance.now() - started);
    uncommitted = await target.commit(owned, Math.max(left, Math.min(options.timeoutMs, options.minCommitMs ?? 2_000)));
  }
  await target.runHooks(options.lost ? 'lost' : 'revoked', partitions);
  target.release(partitions);
  return { timedOut, uncommitted };
}
