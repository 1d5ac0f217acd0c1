import type { LagSnapshot } from './lag-table.js';
import { histogramQuantile, type Sample, sum } from './prometheus.js';
import { stuckKeyFindings } from './stuck-keys.js';

export interface Finding {
  id:
    | 'hot-partition'
    | 'slow-processing'
    | 'idle-members'
    | 'frequent-rebalances'
    | 'paused-partitions'
    | 'dlq-growth'
    | 'stuck-key'
    | 'healthy';
  severity: 'info' | 'warning' | 'critical';
  title: string;
  evidence: string[];
  /** The setting to change or the thing to check. */
  suggestion: string;
}

export interface DiagnoseInput {
  /** Two or more lag snapshots of the group, oldest first. */
  snapshots: LagSnapshot[];
  /** Metrics of each instance at the first and the last snapshot (same order). */
  metrics?: { first: Sample[]; last: Sample[] }[];
  /** The seed's "slow processing" threshold. */
  slowHandlerMs?: number;
  /** A key lane retrying this long while its partition's other keys flow is a "stuck key" (default 10 s). */
  stuckKeyAfterMs?: number;
}

const GROWING = 1; // messages/s of lag growth that counts as "falling behind"

/**
 * The seed's lag checklist as rules: each finding carries its evidence and what to change.
 * 1. one or few partitions growing while others are stable → hot partition, stuck or poison message;
 * 2. all partitions growing → slow processing (p99 vs 100 ms) → key ordering/concurrency, instances;
 * 3. instances without partitions → more instances than partitions;
 * 4. rebalances during the window → static membership, max.poll.interval;
 * 5. paused partitions → handlers cannot keep up with the buffer;
 * 6. dead-lettered messages during the window → poison upstream;
 * 7. one key retrying while its partition's other keys flow → a poison message holds that key.
 */
export function diagnose(input: DiagnoseInput): Finding[] {
  const findings: Finding[] = [];
  const first = input.snapshots[0];
  const last = input.snapshots.at(-1);
  if (!first || !last || first === last) throw new Error('diagnose needs at least two snapshots');
  const seconds = Math.max(0.001, (last.at - first.at) / 1000);
  // Lag moves in steps (produce bursts, commit intervals): fit a slope over every snapshot instead of
  // comparing two, and call a partition "growing" only against the fastest one, so noise on healthy
  // partitions does not look like falling behind.
  const growth = last.rows.map((row) => ({ row, perSecond: lagSlope(input.snapshots, row.topic, row.partition) }));
  const fastest = Math.max(0, ...growth.map((g) => g.perSecond));
  const isGrowing = (g: (typeof growth)[number]) =>
    g.perSecond >= Math.max(GROWING, 0.25 * fastest) && (g.row.lag ?? 0) > 0;
  const growing = growth.filter(isGrowing);
  const stable = growth.filter((g) => !isGrowing(g));
  const slowMs = input.slowHandlerMs ?? 100;
  const lastMetrics = (input.metrics ?? []).map((m) => m.last);
  const all = lastMetrics.flat();
  const p99 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.99);
  const p50 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.5);
  const describe = (g: (typeof growth)[number]) =>
    `${g.row.topic}/${g.row.partition}: lag ${g.row.lag} (${g.perSecond >= 0 ? '+' : ''}${g.perSecond.toFixed(1)}/s)`;

  if (growing.length > 0 && stable.length > 0 && growing.length <= Math.max(1, Math.floor(growth.length / 3))) {
    findings.push({
      id: 'hot-partition',
      severity: 'warning',
      title: `Lag grows on ${growing.length} partition(s) while ${stable.length} are stable`,
      evidence: [
        ...growing.map(describe),
        `stable: ${stable.map((g) => `${g.row.topic}/${g.row.partition}`).join(', ')}`,
      ],
      suggestion:
        'A hot key, a stuck or poison message: check the handler errors of these partitions (tributary_messages_failed_total), ' +
        'add deadLetter() so a poison message cannot hold the partition, and spread hot keys (better partition key).',
    });
  } else if (growing.length > 0 && growing.length === growth.length) {
    const evidence = [
      `all ${growth.length} partitions growing, total lag ${last.totalLag} (+${((last.totalLag - first.totalLag) / seconds).toFixed(1)}/s)`,
    ];
    if (p99 !== undefined)
      evidence.push(
        `handler p50 ${(p50 ?? 0) * 1000 < 1 ? '<1' : Math.round((p50 ?? 0) * 1000)} ms, p99 ${Math.round(p99 * 1000)} ms (threshold ${slowMs} ms)`,
      );
    const owners = new Set(lastMetrics.map((_, i) => i)).size;
    findings.push({
      id: 'slow-processing',
      severity: 'critical',
      title:
        p99 !== undefined && p99 * 1000 > slowMs
          ? `Slow processing: handler p99 ${Math.round(p99 * 1000)} ms > ${slowMs} ms`
          : 'All partitions fall behind',
      evidence,
      suggestion:
        `Use ordering: 'key' with a higher concurrency (different keys of a partition run in parallel), ` +
        `or add instances up to the partition count (${growth.length} partitions${owners ? `, ${owners} instance(s) reporting metrics` : ''}).`,
    });
  }

  const idle = lastMetrics.filter((m) => sum(m, 'tributary_partition_assigned') === 0);
  if (lastMetrics.length > 0 && idle.length > 0) {
    findings.push({
      id: 'idle-members',
      severity: 'info',
      title: `${idle.length} of ${lastMetrics.length} instance(s) own no partition`,
      evidence: [`${growth.length} partitions for ${lastMetrics.length} instances`],
      suggestion: 'More instances than partitions do nothing: scale to at most the partition count, or add partitions.',
    });
  }
  const rebalances = (input.metrics ?? []).reduce(
    (n, m) => n + sum(m.last, 'tributary_rebalances_total') - sum(m.first, 'tributary_rebalances_total'),
    0,
  );
  if (rebalances > 0) {
    findings.push({
      id: 'frequent-rebalances',
      severity: rebalances > 4 ? 'warning' : 'info',
      title: `${rebalances} rebalance event(s) in ${Math.round(seconds)} s`,
      evidence: [`tributary_rebalances_total grew by ${rebalances}`],
      suggestion:
        'Use static membership (groupInstanceId) for restarts, raise maxPollIntervalMs for slow handlers, keep cooperative rebalancing.',
    });
  }
  const paused = sum(all, 'tributary_paused_partitions');
  if (paused > 0) {
    findings.push({
      id: 'paused-partitions',
      severity: 'info',
      title: `${paused} partition(s) paused by backpressure`,
      evidence: [`tributary_paused_partitions = ${paused}`],
      suggestion: 'Handlers cannot keep up with fetching: raise concurrency, use key ordering, or add instances.',
    });
  }
  const dead = (input.metrics ?? []).reduce(
    (n, m) =>
      n +
      sum(m.last, 'tributary_messages_dead_lettered_total') -
      sum(m.first, 'tributary_messages_dead_lettered_total'),
    0,
  );
  if (dead > 0) {
    findings.push({
      id: 'dlq-growth',
      severity: 'warning',
      title: `${dead} message(s) dead-lettered in ${Math.round(seconds)} s`,
      evidence: [`tributary_messages_dead_lettered_total grew by ${dead}`],
      suggestion: 'Inspect the <topic>.dlq headers (x-tributary-dlq-error-*) and fix the producer or the schema.',
    });
  }
  findings.push(...stuckKeyFindings(lastMetrics, input.stuckKeyAfterMs));
  if (findings.length === 0) {
    findings.push({
      id: 'healthy',
      severity: 'info',
      title: 'No lag problem found',
      evidence: [`total lag ${last.totalLag}`],
      suggestion: 'Nothing to change.',
    });
  }
  return findings;
}

export function formatFindings(findings: Finding[]): string {
  return findings
    .map((f) =>
      [
        `[${f.severity.toUpperCase()}] ${f.title}`,
        ...f.evidence.map((e) => `  evidence: ${e}`),
        `  change: ${f.suggestion}`,
      ].join('\n'),
    )
    .join('\n\n');
}

/** Least-squares slope of a partition's lag over the snapshots, in messages per second. */
function lagSlope(snapshots: LagSnapshot[], topic: string, partition: number): number {
  const points = snapshots.flatMap((s) => {
    const lag = s.rows.find((r) => r.topic === topic && r.partition === partition)?.lag;
    return lag === null || lag === undefined ? [] : [{ t: s.at / 1000, lag }];
  });
  if (points.length < 2) return 0;
  const meanT = points.reduce((n, p) => n + p.t, 0) / points.length;
  const meanLag = points.reduce((n, p) => n + p.lag, 0) / points.length;
  const covariance = points.reduce((n, p) => n + (p.t - meanT) * (p.lag - meanLag), 0);
  const variance = points.reduce((n, p) => n + (p.t - meanT) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}
