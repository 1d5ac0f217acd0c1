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

/** librdkafka keeps up to 64 MiB / 100,000 messages prefetched: a smaller queue for a bounded footprint. */
const SMALL_QUEUE = { 'queued.max.messages.kbytes': 8192, 'queued.min.messages': 20_000, 'fetch.queue.backoff.ms': 50 };

const VARIANTS: Array<{ name: string; settings: TributarySettings; rdkafka?: Record<string, number>; setup: string }> =
  [
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
    {
      name: 'tributary-key small-queue',
      settings: { ordering: 'key', middleware: false, concurrency: 64, maxInFlight: 10_000, batchSize: 1000 },
      rdkafka: SMALL_QUEUE,
      setup:
        'ordering key, maxInFlight 10000, batchSize 1000, concurrency 64; rdkafka queued.max.messages.kbytes 8192, queued.min.messages 20000, fetch.queue.backoff.ms 50',
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
    for (const variant of VARIANTS.filter((v) => ctx.selected(v.name))) {
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
              groupId: `mem-${variant.name.replace(/ /g, '-')}-${size}-${rep}`,
              partitions: plan.partitions,
              tributary: variant.settings,
              rdkafka: variant.rdkafka,
            },
            handler: { type: 'sleep', ms: plan.memory.handlerMs },
            messages,
            warmupMessages: 0,
            reps: 1,
            sampleMemory: true,
            capMs: plan.memory.capSeconds * 1000,
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
            peakNativeMb: spread(reps.map((r) => r.peakNativeMb ?? Number.NaN)),
            throughput: spread(reps.map((r) => r.throughput)),
            measured: reps.some((r) => r.capped)
              ? `first ${plan.memory.capSeconds} s: ${Math.round(spread(reps.map((r) => r.messages)).median).toLocaleString('en-US')} msgs`
              : 'all',
            pauses: spread(reps.map((r) => r.pauses ?? Number.NaN)),
          },
        });
      }
    }
    return [
      {
        id: 'memory',
        title: '3. Memory: largest backlog vs a 10× smaller one (1 ms handler)',
        description: `A fresh worker process per repetition drains the ${plan.memory.large.toLocaleString('en-US')}-message backlog (about 4.3 MB per partition: near the ~5 MiB the broker keeps) or a ${plan.memory.small.toLocaleString('en-US')}-message one, each message waiting 1 ms in the handler. RSS and heap sampled every 20 ms; "base" is the worker's RSS before the consumer was created (Node + loaded modules). External = Buffers (message values) and ArrayBuffers. Native = RSS − V8 heap (total) − external: librdkafka (its prefetch queue holds up to queued.min.messages = 100,000 messages or 64 MiB, and each queued message keeps its whole fetch response buffer alive), the binding, malloc arenas. A run stops after ${plan.memory.capSeconds} s (the "consumed" column says how far it got): a slow configuration is measured over what it read by then. "Partition pauses" counts Tributary's backpressure pauses: each makes librdkafka drop what it prefetched for that partition and fetch it again on resume.`,
        columns: [
          { key: 'peakRssMb', label: 'peak RSS MB' },
          { key: 'baseRssMb', label: 'base RSS MB' },
          { key: 'peakHeapUsedMb', label: 'peak heap used MB' },
          { key: 'peakExternalMb', label: 'peak external MB' },
          { key: 'peakNativeMb', label: 'peak native MB' },
          { key: 'throughput', label: 'msgs/s' },
          { key: 'measured', label: 'consumed' },
          { key: 'pauses', label: 'partition pauses' },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
