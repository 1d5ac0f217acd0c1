import type { Histogram } from 'prom-client';
import { LabelTree } from './label-tree.js';

interface Pending<L extends string> {
  labels: Record<L, string>;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  counts: Float64Array;
  sum: number;
  n: number;
}

/** prom-client's value of one label set (`Histogram.zero` makes it): what a flush adds to. */
interface PromValues {
  labels: Record<string, string | number>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/**
 * Collects per-message observations of a prom-client histogram per label set in plain arrays and
 * adds them to it when it is read (its `collect` runs on a scrape or `get()`). prom-client's
 * `observe` validates and hashes the labels and finds the bucket through a number-keyed property on
 * every call: per message the single most expensive line of the default middleware stack.
 *
 * prom-client has no bulk observe, so the flush adds to the per-label-set values it keeps (created
 * with its public `zero(labels)`); batched-histogram.test.ts pins the exposition against plain
 * `observe` calls, so a prom-client that keeps them differently fails there, not in production.
 */
export class BatchedHistogram<L extends string> {
  private readonly pending = new LabelTree<Pending<L>>();
  private readonly bounds: Float64Array;

  constructor(private readonly histogram: Histogram<L>) {
    this.bounds = Float64Array.from((histogram as unknown as { upperBounds: number[] }).upperBounds);
    const target = histogram as unknown as { collect?: () => unknown };
    const previous = target.collect;
    target.collect = () => {
      this.flush();
      return previous?.call(histogram);
    };
  }

  /** Observes `value` for the label set `path` (its label values); `labels(arg)` builds it the first time only. */
  observe<A>(path: readonly unknown[], labels: (arg: A) => Record<L, string>, arg: A, value: number): void {
    if (!Number.isFinite(value)) return;
    const entry =
      this.pending.get(path) ??
      this.pending.set(path, { labels: labels(arg), counts: new Float64Array(this.bounds.length + 1), sum: 0, n: 0 });
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i += 1;
    entry.counts[i] = (entry.counts[i] as number) + 1;
    entry.sum += value;
    entry.n += 1;
  }

  flush(): void {
    const store = this.histogram as unknown as { hashMap: Record<string, PromValues> };
    for (const entry of this.pending.values()) {
      if (entry.n === 0) continue;
      const values = this.valuesOf(store, entry.labels);
      this.bounds.forEach((bound, i) => {
        values.bucketValues[bound] = (values.bucketValues[bound] ?? 0) + (entry.counts[i] as number);
      });
      values.sum += entry.sum;
      values.count += entry.n;
      entry.counts.fill(0);
      entry.sum = 0;
      entry.n = 0;
    }
  }

  private valuesOf(store: { hashMap: Record<string, PromValues> }, labels: Record<L, string>): PromValues {
    const names = Object.keys(labels);
    const same = (v: PromValues) =>
      Object.keys(v.labels).length === names.length && names.every((k) => String(v.labels[k]) === labels[k as L]);
    const found = Object.values(store.hashMap).find(same);
    if (found) return found;
    this.histogram.zero(labels);
    const made = Object.values(store.hashMap).find(same);
    if (!made) throw new Error(`prom-client's histogram keeps its values differently than expected`);
    return made;
  }
}
