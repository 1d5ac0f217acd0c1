/** The outcome of trying to claim a key before running its side effect. */
export type ClaimResult = 'claimed' | 'done' | 'busy';

/**
 * Where completed keys (and short claims on keys being processed) live.
 * Invariant: a key is `done` only after `complete`; a claim expires after its lease, so a crashed
 * owner's claim does not block the key forever.
 */
export interface IdempotencyStore {
  /** Claims `key` for `owner` for `leaseMs` unless it is done or claimed by someone else. */
  claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  /** Marks `key` done for `ttlMs` (replaces the claim). */
  complete(key: string, owner: string, ttlMs: number): Promise<void>;
  /** Gives a claim back after a failure, so a retry (here or elsewhere) can claim it. */
  release(key: string, owner: string): Promise<void>;
}
