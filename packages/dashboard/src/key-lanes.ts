import type { Sample } from '@tributary/lag';

/** At most this many lanes per list and instance (each instance lists 5 per group already). */
export const KEY_LANES_PER_INSTANCE = 5;

export interface KeyLaneRow {
  /** The instance that reports it (its /health/ready name, else its URL's host). */
  instance: string;
  topic: string;
  partition: number;
  key: string;
  /** Seconds (age, retrying) or messages per second (hottest). */
  value: number;
  /** Retrying lanes: the partition's other keys complete meanwhile. */
  othersFlowing?: boolean;
}

/** Key ordering's lanes, over the instances that answer now (bounded: 5 per list per instance). */
export interface KeyLanesView {
  /** Σ tributary_key_lanes{group} over the instances. */
  lanes: number;
  /** Instances reporting key lanes for the group. */
  instances: number;
  oldest: KeyLaneRow[];
  retrying: KeyLaneRow[];
  hottest: KeyLaneRow[];
}

export interface InstanceSamples {
  instance: string;
  samples: Sample[];
}

function rows(of: InstanceSamples, name: string, group: string): KeyLaneRow[] {
  return of.samples
    .filter((s) => s.name === name && s.labels.group === group)
    .sort((a, b) => b.value - a.value)
    .slice(0, KEY_LANES_PER_INSTANCE)
    .map((s) => ({
      instance: of.instance,
      topic: s.labels.topic ?? '',
      partition: Number(s.labels.partition),
      key: s.labels.key ?? '',
      value: s.value,
      ...(s.labels.others_flowing === undefined ? {} : { othersFlowing: s.labels.others_flowing === 'true' }),
    }));
}

/**
 * The group's key lanes from the instances' /metrics: `tributary_key_lanes`, and the oldest
 * (`tributary_key_lane_age_seconds`), longest-retrying (`tributary_key_lane_retrying_seconds`)
 * and hottest (`tributary_hot_key_messages_per_second`) lanes, largest first. Undefined when no
 * instance reports key lanes for the group (it does not use key ordering).
 */
export function keyLanesView(instances: readonly InstanceSamples[], group: string): KeyLanesView | undefined {
  const reporting = instances.filter((i) =>
    i.samples.some((s) => s.name === 'tributary_key_lanes' && s.labels.group === group),
  );
  if (reporting.length === 0) return undefined;
  const list = (name: string) => reporting.flatMap((i) => rows(i, name, group)).sort((a, b) => b.value - a.value);
  return {
    lanes: reporting.reduce(
      (n, i) =>
        n +
        i.samples
          .filter((s) => s.name === 'tributary_key_lanes' && s.labels.group === group)
          .reduce((m, s) => m + s.value, 0),
      0,
    ),
    instances: reporting.length,
    oldest: list('tributary_key_lane_age_seconds'),
    retrying: list('tributary_key_lane_retrying_seconds'),
    hottest: list('tributary_hot_key_messages_per_second'),
  };
}
