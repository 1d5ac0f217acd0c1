import { TRIBUTARY_RDKAFKA_DEFAULTS } from '@tributary/core';
import type { Contender } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { progress } from '../progress.js';
import { spread } from '../stats.js';
import type { RepResult } from '../worker/jobs.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadResult } from './types.js';

/** Partition counts compared: the per-message cost must not grow with them. */
export const SCALING_PARTITIONS = [1, 12, 48] as const;
const VALUE_BYTES = 16;
const topicOf = (partitions: number) => `bench-scale-${partitions}`;

/**
 * "tuned raw" is the raw loop given the librdkafka properties Tributary sets by default, so the
 * ratio measures Tributary's own cost, not a difference in fetch settings.
 */
const CONTENDERS: (Contender & { rdkafka?: Record<string, number> })[] = [
  { name: 'raw', kind: 'raw', setup: 'consume(5000) loop at librdkafka defaults' },
  {
    name: 'raw tuned',
    kind: 'raw',
    rdkafka: { ...TRIBUTARY_RDKAFKA_DEFAULTS },
    setup: `consume(5000) loop with Tributary's librdkafka defaults (${Object.entries(TRIBUTARY_RDKAFKA_DEFAULTS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  },
  {
    name: 'tributary-defaults',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false },
    setup: 'ordering partition, no middleware, every setting at its default',
  },
  {
    name: 'tributary-defaults+mw',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: true },
    setup: 'ordering partition, default middleware + metrics, every setting at its default',
  },
];

export const scalingName = (contender: string, partitions: number) => `${contender} @${partitions}p`;

/**
 * Workload 8: the no-op backlog over 1, 12 and 48 partitions, Tributary at its defaults against
 * the raw loop at equal librdkafka settings. Small values, so the per-message and per-poll costs
 * of the framework dominate.
 */
export const scalingWorkload: Workload = {
  id: 'scaling',
  title: 'Partition scaling',
  async prepare(ctx) {
    const { plan, broker } = ctx;
    for (const partitions of SCALING_PARTITIONS) {
      const started = performance.now();
      if (
        await ensureBacklog(broker, topicOf(partitions), plan.scaling.messages, {
          keys: plan.keys,
          partitions,
          valueBytes: VALUE_BYTES,
        })
      )
        progress(
          `produced ${plan.scaling.messages.toLocaleString('en-US')} × ${VALUE_BYTES} B to ${topicOf(partitions)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
    }
  },
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    for (const partitions of SCALING_PARTITIONS) {
      const contenders = CONTENDERS.filter((c) => ctx.selected(c.name));
      const reps = new Map<string, RepResult[]>(contenders.map((c) => [c.name, []]));
      const errors = new Map<string, string>();
      // Rounds, each contender once per round in its own worker (warm-up, then one measured read):
      // a drift of the machine's speed during the run shifts every contender alike, not the ratio.
      for (let round = 1; round <= plan.scaling.reps; round++) {
        for (const contender of contenders) {
          if (errors.has(contender.name)) continue;
          const name = scalingName(contender.name, partitions);
          const outcome = await runThroughput(ctx, `scaling ${name} round ${round}/${plan.scaling.reps}`, {
            spec: {
              kind: contender.kind,
              topic: topicOf(partitions),
              groupId: `scaling-${contender.name.replace(/\W+/g, '-')}-${partitions}-${round}`,
              partitions,
              tributary: contender.tributary,
              ...(contender.rdkafka ? { rdkafka: contender.rdkafka } : {}),
            },
            handler: { type: 'noop' },
            messages: plan.scaling.messages,
            warmupMessages: plan.scaling.warmupMessages,
            reps: 1,
            timeoutMs: 120_000,
          });
          if ('error' in outcome) errors.set(contender.name, outcome.error);
          else reps.get(contender.name)?.push(...outcome.reps);
        }
      }
      let tunedMedian: number | undefined;
      for (const contender of contenders) {
        const name = scalingName(contender.name, partitions);
        const error = errors.get(contender.name);
        if (error) {
          rows.push({ contender: name, setup: contender.setup, error, values: {} });
          continue;
        }
        const measured = reps.get(contender.name) ?? [];
        const throughput = spread(measured.map((r) => r.throughput));
        if (contender.name === 'raw tuned') tunedMedian = throughput.median;
        rows.push({
          contender: name,
          setup: contender.setup,
          values: {
            partitions,
            throughput,
            vsTuned: tunedMedian ? throughput.median / tunedMedian : undefined,
            cpuUs: spread(measured.map((r) => (r.cpuMs * 1000) / r.messages)),
          },
        });
      }
    }
    return [
      {
        id: 'scaling',
        title: '8. Partition scaling (no-op, 16 B values)',
        description: `${plan.scaling.messages.toLocaleString('en-US')} messages of ${VALUE_BYTES} B per topic of 1, 12 and 48 partitions, no-op handler. Tributary with every setting at its default against the raw loop given the same librdkafka properties ("raw tuned"): the ratio is the framework's own cost. Median of ${plan.scaling.reps} rounds; in each round every contender reads the topic once in a fresh worker (after a warm-up read of ${plan.scaling.warmupMessages.toLocaleString('en-US')}), contenders alternating.`,
        columns: [
          { key: 'throughput', label: 'msgs/s' },
          { key: 'vsTuned', label: '× raw tuned', digits: 2 },
          { key: 'cpuUs', label: 'consumer CPU µs/msg', digits: 1 },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
