import type { Logger } from 'pino';
import type { ConsumerConnection } from '../connection/consumer-connection.js';
import { type CommitOffset, partitionKey, type TopicPartition } from '../offsets/offset-tracker.js';

/** ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS: the group moved past our generation. */
const REBALANCE_CODES = new Set([22, 25, 27]);

/** Is this commit error the coordinator saying "a rebalance is under way / your generation is over"? */
export function isRebalanceRefusal(code: number | undefined): boolean {
  return code !== undefined && REBALANCE_CODES.has(code);
}

/**
 * `stable`: the coordinator accepted a commit of our generation, so no newer round has started.
 * `rebalancing`: it refused it as outdated or mid-rebalance: a revoke is on its way.
 * `unknown`: no offset to probe with, or another error (timeout, coordinator moving).
 */
export type GenerationVerdict = 'stable' | 'rebalancing' | 'unknown';

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
 * Asks the coordinator whether the generation that gave us `assigned` is still current, by
 * committing one offset chosen by `chooseProbeOffset`.
 *
 * Why: under eager rebalancing the previous owner of a partition commits its last offsets while it
 * revokes. A coordinator that refuses commits during the whole rebalance (librdkafka's embedded
 * broker does; real Kafka accepts them while the rebalance is being prepared) makes it carry them
 * until the group is stable. If the next round starts right away, those commits are refused again,
 * and a new owner that starts fetching would read the older committed offset and repeat the
 * previous owner's last messages. A refused probe means exactly that situation.
 */
export async function probeGeneration(
  connection: ConsumerConnection,
  assigned: TopicPartition[],
  ownCarried: CommitOffset[],
  previouslyOwned: ReadonlySet<string>,
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
  try {
    connection.commitSync([probe]);
    return 'stable';
  } catch (err) {
    const code = (err as { code?: number }).code;
    logger.debug({ err, probe }, 'generation probe: commit refused');
    return isRebalanceRefusal(code) ? 'rebalancing' : 'unknown';
  }
}
