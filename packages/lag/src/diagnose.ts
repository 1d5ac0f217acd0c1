import type { GroupDescription } from './group-description.js';
import {
  type DeadLetterWindow,
  deadLetterFinding,
  type InstanceWindow,
  idleMembers,
  rebalanceFinding,
} from './group-findings.js';
import type { LagSnapshot } from './lag-table.js';
import { histogramQuantile, sum } from './prometheus.js';
import { stuckKeyFindings } from './stuck-keys.js';

export interface Finding {
  id:
    | 'hot-partition'
    | 'waiting-for-member'
    | 'slow-processing'
    | 'idle-members'
    | 'frequent-rebalances'
    | 'paused-partitions'
    | 'held-partitions'
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
  /**
   * Metrics of each instance at the first and the last snapshot (same order). Only instances that
   * answer: one that stopped is not an idle member.
   */
  metrics?: InstanceWindow[];
  /** The group as its coordinator describes it now (DescribeGroups), to check members and their config. */
  group?: GroupDescription;
  /** What the group's dead-letter topics held at the first and the last snapshot. */
  deadLetters?: DeadLetterWindow;
  /**
   * `topic/partition`s the coordinator still assigns to a member whose instance stopped answering
   * (a static member keeps its partitions for its session): their lag grows for that reason.
   */
  waiting?: string[];
  /**
   * `topic/partition`s their owner holds by `app.pause()` (its /health/ready says so): their lag
   * grows on purpose, so they are reported as held, not as hot partitions.
   */
  held?: string[];
  /** The seed's "slow processing" threshold. */
  slowHandlerMs?: number;
  /** A key lane retrying this long while its partition's other keys flow is a "stuck key" (default 10 s). */
  stuckKeyAfterMs?: number;
}

const GROWING = 1; // messages/s of lag growth that counts as "falling behind"

/**
 * The seed's lag checklist as rules: each finding carries its evidence and what to change.
 * 0. partitions held by a stopped (static) member → they wait for it or for its session to expire;
 * 1. one or few partitions growing while others are stable → hot partition, stuck or poison message;
 * 2. all partitions growing → slow processing (p99 vs 100 ms) → key ordering/concurrency, instances;
 * 3. members without partitions → more members than partitions (or one stuck joining);
 * 4. rebalances during the window → static membership (unless the members already are static),
 *    cooperative rebalancing (unless already), max.poll.interval;
 * 5. paused partitions → handlers cannot keep up with the buffer (those held by app.pause() are reported
 *    as held, not as backpressure);
 * 6. dead-lettered messages during the window (the DLQ topics' offsets, else metrics) → poison upstream;
 * 7. one key retrying while its partition's other keys flow → a poison message holds that key.
 * Rules 3, 4 and 6 live in group-findings.ts.
 */
export function diagnose(input: DiagnoseInput): Finding[] {
  const findings: Finding[] = [];
  const first = input.snapshots[0];
  const last = input.snapshots.at(-1);
  if (!first || !last || first === last) throw new Error('diagnose needs at least two snapshots');
  const seconds = Math.max(0.001, (last.at - first.at) / 1000);
  // Lag moves in steps (produce bursts, commit intervals): fit a slope over every snapshot instead of
  // comparing two, and call a partition "growing" only against the fastest one, so noise on healthy
  // partitions does not look like falling behind. A partition whose lag was 0 at some snapshot of the
  // window caught up inside it, whatever its slope (Burrow's first rule): a lag going 0 → 1 between two
  // close samples is a steep slope but no one falling behind. The price: a partition that starts to fall
  // behind is reported once its last lag of 0 has left the window.
  const growth = last.rows.map((row) => {
    const points = lagPoints(input.snapshots, row.topic, row.partition);
    return { row, perSecond: lagSlope(points), caughtUp: points.some((p) => p.lag === 0) };
  });
  const fastest = Math.max(0, ...growth.map((g) => g.perSecond));
  const isGrowing = (g: (typeof growth)[number]) =>
    !g.caughtUp && g.perSecond >= Math.max(GROWING, 0.25 * fastest) && (g.row.lag ?? 0) > 0;
  const held = new Set(input.waiting ?? []);
  const isHeld = (g: (typeof growth)[number]) => held.has(`${g.row.topic}/${g.row.partition}`);
  const waiting = growth.filter((g) => isHeld(g) && (g.row.lag ?? 0) > 0);
  // The other rules look at the partitions someone is consuming.
  const appHeldPartitions = new Set(input.held ?? []);
  const served = growth.filter((g) => !isHeld(g) && !appHeldPartitions.has(`${g.row.topic}/${g.row.partition}`));
  const growing = served.filter(isGrowing);
  const stable = served.filter((g) => !isGrowing(g));
  const slowMs = input.slowHandlerMs ?? 100;
  const lastMetrics = (input.metrics ?? []).map((m) => m.last);
  const all = lastMetrics.flat();
  const p99 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.99);
  const p50 = histogramQuantile(all, 'tributary_handler_duration_seconds', 0.5);
  const describe = (g: (typeof growth)[number]) =>
    `${g.row.topic}/${g.row.partition}: lag ${g.row.lag} (${g.perSecond >= 0 ? '+' : ''}${g.perSecond.toFixed(1)}/s)`;

  if (waiting.length > 0) {
    findings.push({
      id: 'waiting-for-member',
      severity: 'info',
      title: `${waiting.length} partition(s) wait for a member whose instance stopped`,
      evidence: waiting.map(describe),
      suggestion:
        'A static member (group.instance.id) keeps its partitions until session.timeout.ms passes without it, so that a ' +
        'restart gets them back without a rebalance: expected during a restart. If it is not coming back, they move ' +
        'when its session expires (a shorter sessionTimeoutMs moves them sooner).',
    });
  }
  if (growing.length > 0 && stable.length > 0 && growing.length <= Math.max(1, Math.floor(served.length / 3))) {
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
  } else if (growing.length > 0 && growing.length === served.length) {
    const evidence = [
      `all ${served.length} partitions${held.size ? ' someone consumes' : ''} growing, total lag ${last.totalLag} (+${((last.totalLag - first.totalLag) / seconds).toFixed(1)}/s)`,
    ];
    if (p99 !== undefined)
      evidence.push(
        `handler p50 ${(p50 ?? 0) * 1000 < 1 ? '<1' : Math.round((p50 ?? 0) * 1000)} ms, p99 ${Math.round(p99 * 1000)} ms (threshold ${slowMs} ms)`,
      );
    // Adding instances helps only while some would get a partition.
    const members = input.group?.members.length || lastMetrics.length;
    const scale =
      members === 0
        ? `or add instances up to the partition count (${growth.length} partitions).`
        : members < growth.length
          ? `or add instances up to the partition count (${growth.length} partitions, ${members} member(s) now).`
          : `(more instances would not help: ${members} member(s) already for ${growth.length} partitions; add partitions for more).`;
    findings.push({
      id: 'slow-processing',
      severity: 'critical',
      title:
        p99 !== undefined && p99 * 1000 > slowMs
          ? `Slow processing: handler p99 ${Math.round(p99 * 1000)} ms > ${slowMs} ms`
          : 'All partitions fall behind',
      evidence,
      suggestion: `Use ordering: 'key' with a higher concurrency (different keys of a partition run in parallel), ${scale}`,
    });
  }

  const metrics = input.metrics ?? [];
  const idle = idleMembers(growth.length, input.group, metrics);
  if (idle) findings.push(idle);
  const rebalances = rebalanceFinding(seconds, input.group, metrics);
  if (rebalances) findings.push(rebalances);
  // app.pause() holds count among the paused partitions: they are not backpressure.
  const appHeld = Math.max(sum(all, 'tributary_partitions_held'), appHeldPartitions.size);
  const paused = sum(all, 'tributary_paused_partitions') - appHeld;
  if (paused > 0) {
    findings.push({
      id: 'paused-partitions',
      severity: 'info',
      title: `${paused} partition(s) paused by backpressure`,
      evidence: [`tributary_paused_partitions − tributary_partitions_held = ${paused}`],
      suggestion: 'Handlers cannot keep up with fetching: raise concurrency, use key ordering, or add instances.',
    });
  }
  if (appHeld > 0) {
    findings.push({
      id: 'held-partitions',
      severity: 'info',
      title: `${appHeld} partition(s) held by app.pause() — their lag grows until resumed`,
      evidence: appHeldPartitions.size > 0 ? [...appHeldPartitions].sort() : [`tributary_partitions_held = ${appHeld}`],
      suggestion:
        'Resume them (app.resume, or the dashboard with --allow-actions) when the reason to hold them is gone.',
    });
  }
  const dead = deadLetterFinding(seconds, input.deadLetters, metrics);
  if (dead) findings.push(dead);
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

/** A partition's known lags over the snapshots (an unknown lag is left out), time in seconds. */
function lagPoints(snapshots: LagSnapshot[], topic: string, partition: number): Array<{ t: number; lag: number }> {
  return snapshots.flatMap((s) => {
    const lag = s.rows.find((r) => r.topic === topic && r.partition === partition)?.lag;
    return lag === null || lag === undefined ? [] : [{ t: s.at / 1000, lag }];
  });
}

/** Least-squares slope of a partition's lag points, in messages per second. */
function lagSlope(points: Array<{ t: number; lag: number }>): number {
  if (points.length < 2) return 0;
  const meanT = points.reduce((n, p) => n + p.t, 0) / points.length;
  const meanLag = points.reduce((n, p) => n + p.lag, 0) / points.length;
  const covariance = points.reduce((n, p) => n + (p.t - meanT) * (p.lag - meanLag), 0);
  const variance = points.reduce((n, p) => n + (p.t - meanT) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}
