import type { GroupStats, KeyLane } from '@tributary/core';
import { Gauge, type Registry } from 'prom-client';

/** Key lanes in each list (oldest, retrying, hottest): the label cardinality stays at most this per group. */
export const KEY_LANES_LISTED = 5;
const MAX_KEY_LABEL = 64;

const keyLabel = (key: string | null) =>
  key === null ? '∅' : key.length > MAX_KEY_LABEL ? `${key.slice(0, MAX_KEY_LABEL)}…` : key;

/**
 * Per-key observability of key ordering, with bounded cardinality: per group the number of key
 * lanes, and for the `KEY_LANES_LISTED` oldest, longest-retrying and hottest lanes a series each.
 * Rebuilt on every scrape (series of keys that left the lists disappear).
 */
export class KeyLaneMetrics {
  readonly lanes: Gauge<'group'>;
  readonly age: Gauge<'group' | 'topic' | 'partition' | 'key'>;
  readonly retrying: Gauge<'group' | 'topic' | 'partition' | 'key' | 'others_flowing'>;
  readonly hot: Gauge<'group' | 'topic' | 'partition' | 'key'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const coords = ['group', 'topic', 'partition', 'key'] as const;
    this.lanes = new Gauge({
      name: 'tributary_key_lanes',
      help: 'Key lanes with work in memory (key ordering)',
      labelNames: ['group'],
      registers,
    });
    this.age = new Gauge({
      name: 'tributary_key_lane_age_seconds',
      help: `How long the head message of the ${KEY_LANES_LISTED} oldest key lanes has been in memory`,
      labelNames: coords,
      registers,
    });
    this.retrying = new Gauge({
      name: 'tributary_key_lane_retrying_seconds',
      help: `How long the head message of the ${KEY_LANES_LISTED} longest-failing key lanes has been retrying; others_flowing: its partition's other keys complete meanwhile`,
      labelNames: [...coords, 'others_flowing'],
      registers,
    });
    this.hot = new Gauge({
      name: 'tributary_hot_key_messages_per_second',
      help: `Arrival rate of the ${KEY_LANES_LISTED} busiest keys since the previous scrape (sampled 1 in 8)`,
      labelNames: coords,
      registers,
    });
  }

  all(): Gauge<string>[] {
    return [this.lanes, this.age, this.retrying, this.hot] as Gauge<string>[];
  }

  update(stats: readonly GroupStats[]): void {
    for (const gauge of [this.lanes, this.age, this.retrying, this.hot]) gauge.reset();
    for (const s of stats) {
      if (!s.keys) continue;
      const group = s.groupId;
      const labels = (l: Pick<KeyLane, 'topic' | 'partition' | 'key'>) => ({
        group,
        topic: l.topic,
        partition: String(l.partition),
        key: keyLabel(l.key),
      });
      this.lanes.set({ group }, s.keys.lanes);
      for (const l of s.keys.oldest) this.age.set(labels(l), l.ageMs / 1000);
      for (const l of s.keys.retrying)
        this.retrying.set({ ...labels(l), others_flowing: String(l.othersFlowing) }, l.failingForMs / 1000);
      for (const h of s.keys.hottest) this.hot.set(labels(h), h.perSecond);
    }
  }
}
