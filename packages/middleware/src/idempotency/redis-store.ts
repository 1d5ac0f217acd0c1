import type { Redis } from 'ioredis';
import type { ClaimResult, IdempotencyStore } from './store.js';

const DONE = 'done';
// Delete the key only while it still holds this owner's claim (atomic compare-and-delete).
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Shared by every instance: `SET key claim:<owner> NX PX lease` claims, `SET key done PX ttl`
 * completes. A claim held by a crashed instance expires after its lease.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tributary:idempotency:',
  ) {}

  async claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const k = this.prefix + key;
    const claimed = await this.redis.set(k, `claim:${owner}`, 'PX', leaseMs, 'NX');
    if (claimed === 'OK') return 'claimed';
    const current = await this.redis.get(k);
    if (current === DONE) return 'done';
    if (current === `claim:${owner}`) {
      await this.redis.set(k, `claim:${owner}`, 'PX', leaseMs, 'XX'); // our own retry: extend the lease
      return 'claimed';
    }
    if (current === null) return this.claim(key, owner, leaseMs); // expired between the two calls
    return 'busy';
  }

  async complete(key: string, _owner: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, DONE, 'PX', ttlMs);
  }

  async release(key: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key, `claim:${owner}`);
  }
}
