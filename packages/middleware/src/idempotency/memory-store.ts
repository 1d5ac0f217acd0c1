import type { ClaimResult, IdempotencyStore } from './store.js';

/** One process only (the default): keys live in a Map with expiry times. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { state: 'claim' | 'done'; owner: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const entry = this.live(key);
    if (entry?.state === 'done') return 'done';
    if (entry && entry.owner !== owner) return 'busy';
    this.entries.set(key, { state: 'claim', owner, expiresAt: this.now() + leaseMs });
    return 'claimed';
  }

  async complete(key: string, owner: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { state: 'done', owner, expiresAt: this.now() + ttlMs });
    if (this.entries.size > 10_000) this.sweep();
  }

  async release(key: string, owner: string): Promise<void> {
    const entry = this.live(key);
    if (entry?.state === 'claim' && entry.owner === owner) this.entries.delete(key);
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
