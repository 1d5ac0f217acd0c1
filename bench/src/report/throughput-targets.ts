import { IO_CONCURRENCIES } from '../workloads/io.js';
import { SCALING_PARTITIONS, scalingName } from '../workloads/scaling.js';
import type { WorkloadResult } from '../workloads/types.js';
import { figure, findRow } from './cells.js';
import type { TargetResult } from './targets.js';

const atLeast = (
  target: string,
  value: number | undefined,
  min: number,
  measured: (v: number) => string,
): TargetResult =>
  value === undefined
    ? { target, measured: 'not measured' }
    : {
        target,
        measured: measured(value),
        met: value >= min,
        margin: value >= min ? `beaten by ${(value - min).toFixed(2)}` : `missed by ${(min - value).toFixed(2)}`,
      };

/** Partition scaling, I/O concurrency and Parallel Consumer's workload: the throughput issue's targets. */
export function throughputTargets(results: readonly WorkloadResult[]): TargetResult[] {
  const targets: TargetResult[] = [];
  const vsTuned = (contender: string, partitions: number) =>
    figure(findRow(results, 'scaling', scalingName(contender, partitions))?.values.vsTuned);
  for (const [contender, min] of [
    ['tributary-defaults', 0.9],
    ['tributary-defaults+mw', 0.8],
  ] as const) {
    for (const partitions of SCALING_PARTITIONS)
      targets.push(
        atLeast(
          `${contender} at ${partitions} partition(s) ≥ ${min}× raw tuned`,
          vsTuned(contender, partitions),
          min,
          (v) => `${v.toFixed(2)}×`,
        ),
      );
  }
  const one = vsTuned('tributary-defaults', 1);
  const many = vsTuned('tributary-defaults', 48);
  const flat = 'tributary-defaults: ratio at 48 partitions within 10 % of the ratio at 1';
  targets.push(
    one === undefined || many === undefined
      ? { target: flat, measured: 'not measured' }
      : {
          target: flat,
          measured: `${many.toFixed(2)}× vs ${one.toFixed(2)}×`,
          met: many >= one * 0.9,
          margin: `${Math.round((many / one - 1) * 100)} %`,
        },
  );
  for (const concurrency of IO_CONCURRENCIES) {
    const row = findRow(results, 'io', `tributary-key c${concurrency}`);
    targets.push(
      atLeast(
        `I/O, key ordering, concurrency ${concurrency}: ≥ 0.85× concurrency / 10 ms`,
        figure(row?.values.vsLimit),
        0.85,
        (v) => {
          const rss = figure(row?.values.peakRssMb);
          return `${v.toFixed(2)}×${rss === undefined ? '' : `, peak RSS ${rss.toFixed(0)} MB`}`;
        },
      ),
    );
  }
  for (const ordering of ['key', 'unordered'] as const) {
    const s = figure(findRow(results, 'pc', `tributary-${ordering} pc`)?.values.seconds);
    const target = `Parallel Consumer's workload, ${ordering} order: ≤ 0.5 s (published: ${ordering === 'key' ? '2.13' : '2.83'} s)`;
    targets.push(
      s === undefined
        ? { target, measured: 'not measured' }
        : {
            target,
            measured: `${s.toFixed(2)} s`,
            met: s <= 0.5,
            margin: s <= 0.5 ? `${(0.5 - s).toFixed(2)} s to spare` : `missed by ${(s - 0.5).toFixed(2)} s`,
          },
    );
  }
  const serial = findRow(results, 'pc', 'tributary-partition pc')?.values;
  const ratio = figure(serial?.vsLimit);
  const target = "Parallel Consumer's workload, partition order: within 10 % of 10,000 × 2.5 ms";
  targets.push(
    ratio === undefined
      ? { target, measured: 'not measured' }
      : {
          target,
          measured: `${ratio.toFixed(2)}× the nominal work; ${figure(serial?.vsFloor)?.toFixed(2)}× the serial floor of Node's timers`,
          met: ratio <= 1.1,
          margin:
            ratio <= 1.1
              ? 'met'
              : `missed by ${Math.round((ratio - 1.1) * 100)} % (Node's timers: see the serial floor)`,
        },
  );
  return targets;
}

/** A member joins a cooperative group: what stays must not stop, what moves must resume quickly. */
export function rebalanceTargets(results: readonly WorkloadResult[]): TargetResult[] {
  const values = findRow(results, 'rebalance', 'tributary cooperative')?.values;
  const within = (target: string, value: number | undefined, maxMs: number): TargetResult =>
    value === undefined
      ? { target, measured: 'not measured' }
      : {
          target,
          measured: `${Math.round(value)} ms`,
          met: value < maxMs,
          margin:
            value < maxMs ? `${Math.round(maxMs - value)} ms to spare` : `missed by ${Math.round(value - maxMs)} ms`,
        };
  return [
    within('cooperative join: partitions that stay stand still < 50 ms', figure(values?.stayedGap), 50),
    within('cooperative join: partitions that move resume < 1 s after the join', figure(values?.movedGap), 1000),
  ];
}
