import type { Logger } from 'pino';
import type { ConsumerConnection } from '../connection/consumer-connection.js';
import type { CommitRefusal } from '../offsets/committer.js';
import { type CommitOffset, partitionKey, type TopicPartition } from '../offsets/offset-tracker.js';

export const REBALANCE_IN_PROGRESS = 27;
/** ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS: the group moved past our generation. */
const REBALANCE_CODES = new Set([22, 25, REBALANCE_IN_PROGRESS]);

/** Is this commit error the coordinator saying "a rebalance is under way / your generation is over"? */
export function isRebalanceRefusal(code: number | undefined): boolean {
  return code !== undefined && REBALANCE_CODES.has(code);
}

/**
 * `stable`: the coordinator accepted a commit of our generation, so no newer round has started.
 * `rebalancing`: it refused it as outdated or mid-rebalance: another round is under way.
 * `unknown`: no offset to probe with, or another error (timeout, coordinator moving).
 */
export type GenerationVerdict = 'stable' | 'rebalancing' | 'unknown';

/** What the probe may write, safest first (see `chooseProbeOffset`). */
export interface ProbeCandidates {
  /** Our carried offsets of partitions assigned back to us: our finished work. */
  ownCarried: CommitOffset[];
  /**
   * The newly assigned partitions (eager: all; cooperative: the added ones), whose committed
   * offsets are read when there is no carried one. Partitions we keep are never used: we commit
   * them ourselves all the time, and a rewrite could undo a commit of ours that lands first.
   */
  assigned: TopicPartition[];
  /** Partitions we owned after our previous assignment. */
  previouslyOwned: ReadonlySet<string>;
}

/**
 * The offset to write for the probe. Writing one is the only way a member can ask the coordinator
 * whether its generation is still current, and the write must not undo another member's commit,
 * so the choice goes, safest first:
 * 1. an offset of ours that a rebalance refused and that comes back to us (our finished work:
 *    a genuine commit);
 * 2. the committed offset of a partition we also owned in the previous generation: nobody else
 *    owned it there, so nobody else has a commit for it waiting to land;
 * 3. any assigned partition's committed offset — rewriting it changes nothing unless the previous
 *    owner's commit lands between our read and our write; then the group redelivers that
 *    previous owner's last messages (never skips any).
 * Nothing when no assigned partition has a committed offset yet.
 */
export function chooseProbeOffset(
  ownCarried: CommitOffset[],
  committed: CommitOffset[],
  previouslyOwned: ReadonlySet<string>,
): CommitOffset | undefined {
  if (ownCarried[0]) return ownCarried[0];
  const valid = committed.filter((c) => c.offset >= 0);
  return valid.find((c) => previouslyOwned.has(partitionKey(c.topic, c.partition))) ?? valid[0];
}

/**
 * Asks the coordinator whether the generation that gave us our newest partitions is still
 * current, by committing one offset chosen by `chooseProbeOffset` with `commit` (which resolves
 * with the refusal, undefined when accepted, or 'timeout').
 *
 * Why: the previous owner of a partition commits its last offsets when it revokes it. A
 * coordinator that refuses commits during the whole rebalance (librdkafka's embedded broker does;
 * real Kafka accepts them while the rebalance is being prepared) makes it carry them until the
 * group is stable; so does a revoke that comes after another member already rejoined (cooperative
 * rounds where several members give partitions up). If the next round starts right away, those
 * commits are refused again, and a new owner that starts fetching would read the older committed
 * offset and repeat the previous owner's last messages. A refused probe means exactly that.
 */
export async function probeGeneration(
  connection: ConsumerConnection,
  commit: (offset: CommitOffset) => Promise<CommitRefusal | undefined | 'timeout'>,
  { ownCarried, assigned, previouslyOwned }: ProbeCandidates,
  logger: Logger,
): Promise<GenerationVerdict> {
  let committed: CommitOffset[] = [];
  if (ownCarried.length === 0) {
    try {
      committed = await connection.committed(assigned, 5_000);
    } catch (err) {
      logger.debug({ err }, 'generation probe: could not read committed offsets');
      return 'unknown';
    }
  }
  const probe = chooseProbeOffset(ownCarried, committed, previouslyOwned);
  if (!probe) return 'unknown';
  const refusal = await commit(probe);
  if (refusal === undefined) return 'stable';
  logger.debug({ refusal, probe }, 'generation probe: commit refused or unanswered');
  return refusal !== 'timeout' && isRebalanceRefusal(refusal.code) ? 'rebalancing' : 'unknown';
}
