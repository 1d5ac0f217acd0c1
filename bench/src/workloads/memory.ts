import type { TributarySettings } from '../contenders/types.js';
import { TRIBUTARY_THROUGHPUT } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { progress } from '../progress.js';
import { spread } from '../stats.js';
import type { RepResult } from '../worker/jobs.js';
import { BACKLOG_TOPIC } from './noop.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadResult } from './types.js';

const SMALL_TOPIC = 'bench-backlog-small';

const VARIANTS: Array<{ name: string; settings: TributarySettings; setup: string }> = [
  {
    name: 'tributary-key',
    settings: { ordering: 'key', middleware: false },
    setup: 'ordering key, defaults (maxInFlight 1000, concurrency 16)',
  },
  {
    name: 'tributary-key fast',
    settings: { ordering: 'key', middleware: false, ...TRIBUTARY_THROUGHPUT },
    setup: `ordering key, the no-op run's settings (maxInFlight ${TRIBUTARY_THROUGHPUT.maxInFlight}, batchSize ${TRIBUTARY_THROUGHPUT.batchSize}, concurrency ${TRIBUTARY_THROUGHPUT.concurrency})`,
  },
];

/** Workload 3: peak memory while draining the largest backlog the broker keeps vs a 10× smaller one. */
export const memoryWorkload: Workload = {
  id: 'memory',
  title: 'Memory',
  async prepare(ctx) {
    const { plan, broker } = ctx;
    await ensureBacklog(broker, BACKLOG_TOPIC, plan.memory.large, plan);
    await ensureBacklog(broker, SMALL_TOPIC, plan.memory.small, plan);
    progress(
      `produced ${plan.memory.small.toLocaleString('en-US')} messages to ${SMALL_TOPIC} (the large backlog is ${BACKLOG_TOPIC})`,
    );
  },
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    for (const variant of VARIANTS.filter(() => ctx.selected('tributary-key'))) {
      for (const [size, topic, messages] of [
        ['large', BACKLOG_TOPIC, plan.memory.large],
        ['small', SMALL_TOPIC, plan.memory.small],
      ] as const) {
        const name = `${variant.name} (${size} backlog)`;
        const reps: RepResult[] = [];
        let error: string | undefined;
        // One process per repetition: a process's peak RSS never comes back down.
        for (let rep = 1; rep <= plan.reps && !error; rep++) {
          const outcome = await runThroughput(ctx, `memory ${name} #${rep}`, {
            spec: {
              kind: 'tributary',
              topic,
              groupId: `mem-${variant.name.replace(' ', '-')}-${size}-${rep}`,
              partitions: plan.partitions,
              tributary: variant.settings,
            },
            handler: { type: 'sleep', ms: plan.memory.handlerMs },
            messages,
            warmupMessages: 0,
            reps: 1,
            sampleMemory: true,
            timeoutMs: 180_000,
          });
          if ('error' in outcome) error = outcome.error;
          else reps.push(...outcome.reps);
        }
        const setup = `${variant.setup}; ${messages.toLocaleString('en-US')} msgs`;
        if (error) {
          rows.push({ contender: name, setup, error, values: {} });
          continue;
        }
        rows.push({
          contender: name,
          setup,
          values: {
            peakRssMb: spread(reps.map((r) => r.peakRssMb ?? Number.NaN)),
            baseRssMb: spread(reps.map((r) => r.baseRssMb ?? Number.NaN)),
            peakHeapUsedMb: spread(reps.map((r) => r.peakHeapUsedMb ?? Number.NaN)),
            peakExternalMb: spread(reps.map((r) => r.peakExternalMb ?? Number.NaN)),
            throughput: spread(reps.map((r) => r.throughput)),
          },
        });
      }
    }
    return [
      {
        id: 'memory',
        title: '3. Memory: largest backlog vs a 10× smaller one (1 ms handler)',
        description: `A fresh worker process per repetition drains the ${plan.memory.large.toLocaleString('en-US')}-message backlog (about 4.3 MB per partition: near the ~5 MiB the broker keeps) or a ${plan.memory.small.toLocaleString('en-US')}-message one, each message waiting 1 ms in the handler. RSS and heap sampled every 20 ms; "base" is the worker's RSS before the consumer was created (Node + loaded modules). External = Buffers (message values) and ArrayBuffers. librdkafka's own queue (up to queued.min.messages = 100,000 messages or 64 MiB) is native memory inside RSS.`,
        columns: [
          { key: 'peakRssMb', label: 'peak RSS MB' },
          { key: 'baseRssMb', label: 'base RSS MB' },
          { key: 'peakHeapUsedMb', label: 'peak heap used MB' },
          { key: 'peakExternalMb', label: 'peak external MB' },
          { key: 'throughput', label: 'msgs/s' },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
