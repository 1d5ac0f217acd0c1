import type { Counter } from 'prom-client';
import { LabelTree } from './label-tree.js';

/**
 * Sums per-message increments of a prom-client counter per label set and hands them over when the
 * counter is read (a scrape or `get()` calls its `collect`). prom-client validates and hashes the
 * label set on every `inc`: per message that cost more than the rest of the metrics together.
 */
export class BatchedCounter<L extends string> {
  private readonly pending = new LabelTree<{ labels: Record<L, string>; n: number }>();

  constructor(private readonly counter: Counter<L>) {
    const target = counter as unknown as { collect?: () => unknown };
    const previous = target.collect;
    target.collect = () => {
      this.flush();
      return previous?.call(counter);
    };
  }

  /**
   * Adds `n` for the label set identified by `path` (its label values, always in one order and form);
   * `labels(arg)` builds the label object the first time only.
   */
  add<A>(path: readonly unknown[], labels: (arg: A) => Record<L, string>, arg: A, n = 1): void {
    const entry = this.pending.get(path) ?? this.pending.set(path, { labels: labels(arg), n: 0 });
    entry.n += n;
  }

  flush(): void {
    for (const entry of this.pending.values()) {
      if (entry.n === 0) continue;
      this.counter.inc(entry.labels, entry.n);
      entry.n = 0; // kept: the label sets are as many as prom-client keeps anyway
    }
  }
}
