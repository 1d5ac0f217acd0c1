import type { WorkloadResult } from '../workloads/types.js';
import { figure, findRow } from './cells.js';
import { rebalanceTargets, throughputTargets } from './throughput-targets.js';

export interface TargetResult {
  target: string;
  measured: string;
  /** undefined: not measured in this run. */
  met?: boolean;
  /** By how much it was missed (or beaten), in words. */
  margin?: string;
}

const pct = (ratio: number) => `${Math.abs(Math.round((ratio - 1) * 100))} %`;

function ratioTarget(
  results: readonly WorkloadResult[],
  workload: string,
  key: string,
  subject: string,
  reference: string,
  minRatio: number,
): TargetResult {
  const a = figure(findRow(results, workload, subject)?.values[key]);
  const b = figure(findRow(results, workload, reference)?.values[key]);
  const target = `${subject} ≥ ${minRatio}× ${reference}`;
  if (a === undefined || b === undefined || b === 0) return { target, measured: 'not measured' };
  const ratio = a / b;
  const met = ratio >= minRatio;
  return {
    target,
    measured: `${ratio.toFixed(2)}× (${Math.round(a).toLocaleString('en-US')} vs ${Math.round(b).toLocaleString('en-US')} msgs/s)`,
    met,
    margin: met
      ? `beaten by ${pct(ratio / minRatio)}`
      : `missed by ${pct(ratio / minRatio)} (needs ${(minRatio * b).toFixed(0)} msgs/s)`,
  };
}

/** The targets, checked against one run's results. */
export function evaluateTargets(results: readonly WorkloadResult[]): TargetResult[] {
  const targets: TargetResult[] = [];
  for (const variant of [
    'tributary-partition',
    'tributary-key',
    'tributary-unordered',
    'tributary-partition+mw',
    'tributary-key+mw',
    'tributary-unordered+mw',
    'tributary-defaults',
  ]) {
    if (findRow(results, 'noop', variant))
      targets.push(ratioTarget(results, 'noop', 'throughput', variant, 'raw', 0.9));
  }
  targets.push(ratioTarget(results, 'io', 'throughput', 'tributary-key', 'tributary-partition', 30));
  targets.push(ratioTarget(results, 'io', 'throughput', 'tributary-key', 'kafkajs', 20));
  targets.push(ratioTarget(results, 'io', 'throughput', 'tributary-key', 'nestjs', 20));
  // Inside Nest: what swapping Nest's Kafka transport for @tributary/nestjs gives, and that the integration costs nothing.
  targets.push(ratioTarget(results, 'io', 'throughput', 'tributary-key nest', 'nestjs', 20));
  for (const workload of ['io', 'noop']) {
    const target = ratioTarget(results, workload, 'throughput', 'tributary-key nest', 'tributary-key', 0.9);
    targets.push({ ...target, target: `${workload === 'io' ? 'sleep(10)' : 'no-op'}: ${target.target}` });
  }

  for (const variant of ['tributary-key', 'tributary-key fast', 'tributary-key small-queue'])
    targets.push(...memoryTargets(results, variant));
  targets.push(...throughputTargets(results), ...rebalanceTargets(results));
  return targets;
}

function memoryTargets(results: readonly WorkloadResult[], variant: string): TargetResult[] {
  const rss = figure(findRow(results, 'memory', `${variant} (large backlog)`)?.values.peakRssMb);
  const smallRss = figure(findRow(results, 'memory', `${variant} (small backlog)`)?.values.peakRssMb);
  const limit = `${variant}: peak RSS < 200 MB on the largest backlog`;
  const flat = `${variant}: memory flat (peak RSS with the 10× larger backlog within +25 % of the small one)`;
  if (rss === undefined || smallRss === undefined)
    return [
      { target: limit, measured: 'not measured' },
      { target: flat, measured: 'not measured' },
    ];
  const growth = rss / smallRss;
  return [
    {
      target: limit,
      measured: `${rss.toFixed(0)} MB`,
      met: rss < 200,
      margin: rss < 200 ? `${(200 - rss).toFixed(0)} MB to spare` : `missed by ${(rss - 200).toFixed(0)} MB`,
    },
    {
      target: flat,
      measured: `${rss.toFixed(0)} MB vs ${smallRss.toFixed(0)} MB (${growth >= 1 ? '+' : '−'}${pct(growth)})`,
      met: growth <= 1.25,
      margin: growth <= 1.25 ? 'flat' : `grows by ${pct(growth)}`,
    },
  ];
}
