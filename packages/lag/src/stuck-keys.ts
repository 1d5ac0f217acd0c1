import type { Finding } from './diagnose.js';
import type { Sample } from './prometheus.js';

/** A key lane retrying this long while its partition's other keys complete is reported. */
export const STUCK_KEY_AFTER_MS = 10_000;

/**
 * Key ordering's "stuck key": one key's lane has been retrying its head message for longer than
 * `afterMs` while the same partition's other keys flow — a poison message holding one customer's
 * events, invisible in partition lag until it grows. Read from `tributary_key_lane_retrying_seconds`
 * (each instance lists its longest-retrying key lanes, with `others_flowing`).
 */
export function stuckKeyFindings(instances: readonly Sample[][], afterMs = STUCK_KEY_AFTER_MS): Finding[] {
  const stuck = instances
    .flat()
    .filter(
      (s) =>
        s.name === 'tributary_key_lane_retrying_seconds' &&
        s.labels.others_flowing === 'true' &&
        s.value * 1000 >= afterMs,
    )
    .sort((a, b) => b.value - a.value);
  if (stuck.length === 0) return [];
  const name = (s: Sample) => `key "${s.labels.key}" on ${s.labels.topic}/${s.labels.partition}`;
  const worst = stuck[0] as Sample;
  return [
    {
      id: 'stuck-key',
      severity: 'warning',
      title:
        stuck.length === 1
          ? `${name(worst)} has been retrying for ${Math.round(worst.value)} s while its partition's other keys flow`
          : `${stuck.length} keys have been retrying while their partitions' other keys flow (longest: ${name(worst)}, ${Math.round(worst.value)} s)`,
      evidence: stuck.map(
        (s) =>
          `${name(s)} (group ${s.labels.group}): retrying ${Math.round(s.value)} s — tributary_key_lane_retrying_seconds`,
      ),
      suggestion:
        'A poison message holds that key: look at its handler errors in the logs (the key and offset are in them); a dead-letter middleware with a bounded retry() lets the key move on.',
    },
  ];
}
