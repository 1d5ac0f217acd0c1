import { setTimeout as sleep } from 'node:timers/promises';
import type { Contender } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { progress } from '../progress.js';
import { spread } from '../stats.js';
import { workMsOf } from '../worker/jobs.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadResult } from './types.js';

const TOPIC = 'bench-parallel-consumer';
const MESSAGES = 10_000;
const MAX_WORK_MS = 5;
const CONCURRENCY = 100;
/** Confluent Parallel Consumer's README: 10,000 messages, 1 partition, 0–5 ms of work, concurrency 100. */
const PUBLISHED_SECONDS = { partition: 22.2, key: 2.13, unordered: 2.83 } as const;

const CONTENDERS: (Contender & { ordering: keyof typeof PUBLISHED_SECONDS })[] = (
  ['key', 'unordered', 'partition'] as const
).map((ordering) => ({
  name: `tributary-${ordering} pc`,
  kind: 'tributary',
  ordering,
  tributary: { ordering, middleware: false, concurrency: CONCURRENCY },
  setup: `ordering ${ordering}, concurrency ${CONCURRENCY}, every other setting at its default`,
}));

/**
 * Node's timers fire a little late (at least 1 ms, on a millisecond clock): the floor of a serial
 * run is measured, not assumed, by awaiting the same sleeps one after another without Kafka.
 */
async function serialFloorMs(sample: number): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < sample; offset++) await sleep(workMsOf(offset, MAX_WORK_MS));
  return ((performance.now() - started) * MESSAGES) / sample;
}

/** Workload 9: Confluent Parallel Consumer's own README workload, rebuilt here. */
export const parallelConsumerWorkload: Workload = {
  id: 'pc',
  title: "Parallel Consumer's workload",
  async prepare(ctx) {
    await ensureBacklog(ctx.broker, TOPIC, MESSAGES, {
      keys: MESSAGES,
      partitions: 1,
      valueBytes: ctx.plan.valueBytes,
    });
    progress(
      `produced ${MESSAGES.toLocaleString('en-US')} messages (${MESSAGES.toLocaleString('en-US')} keys, 1 partition) to ${TOPIC}`,
    );
  },
  async run(ctx): Promise<WorkloadResult[]> {
    const rows: Row[] = [];
    const nominalMs = Array.from({ length: MESSAGES }, (_, o) => workMsOf(o, MAX_WORK_MS)).reduce((a, b) => a + b, 0);
    const floorMs = await serialFloorMs(ctx.plan.quick ? 300 : 1000);
    progress(
      `pc: nominal work ${(nominalMs / 1000).toFixed(1)} s; serial floor of Node's timers ${(floorMs / 1000).toFixed(1)} s`,
    );
    for (const contender of CONTENDERS.filter((c) => ctx.selected(c.name))) {
      const serial = contender.ordering === 'partition';
      const outcome = await runThroughput(ctx, `pc ${contender.name}`, {
        spec: {
          kind: 'tributary',
          topic: TOPIC,
          groupId: `pc-${contender.ordering}`,
          partitions: 1,
          tributary: contender.tributary,
        },
        handler: { type: 'random-sleep', maxMs: MAX_WORK_MS },
        messages: MESSAGES,
        warmupMessages: serial ? 0 : 2000,
        reps: serial ? 1 : ctx.plan.reps,
        timeoutMs: 120_000,
      });
      if ('error' in outcome) {
        rows.push({ contender: contender.name, setup: contender.setup, error: outcome.error, values: {} });
        continue;
      }
      const seconds = spread(outcome.reps.map((r) => r.elapsedMs / 1000));
      const limitS = serial ? nominalMs / 1000 : nominalMs / CONCURRENCY / 1000;
      rows.push({
        contender: contender.name,
        setup: contender.setup,
        values: {
          seconds,
          published: PUBLISHED_SECONDS[contender.ordering],
          vsPublished: PUBLISHED_SECONDS[contender.ordering] / seconds.median,
          limit: limitS,
          vsLimit: seconds.median / limitS,
          ...(serial ? { vsFloor: seconds.median / (floorMs / 1000) } : {}),
        },
      });
    }
    return [
      {
        id: 'pc',
        title: "9. Confluent Parallel Consumer's README workload",
        description: `${MESSAGES.toLocaleString('en-US')} messages on 1 partition, ${MESSAGES.toLocaleString('en-US')} distinct keys, each handler waits 0–${MAX_WORK_MS} ms (uniform, the same per offset for every run: ${(nominalMs / 1000).toFixed(1)} s in all), concurrency ${CONCURRENCY}. "Published" is Parallel Consumer's own figure from its README (Java, another machine). The limit is the nominal work (partition order: serial) or the nominal work ÷ ${CONCURRENCY}. Node's timers add at least ~1 ms to each sleep: awaiting the same ${MESSAGES.toLocaleString('en-US')} sleeps one after another, without Kafka, takes ${(floorMs / 1000).toFixed(1)} s here (the serial floor).`,
        columns: [
          { key: 'seconds', label: 'seconds', digits: 2 },
          { key: 'published', label: 'Parallel Consumer (published) s', digits: 2 },
          { key: 'vsPublished', label: 'faster than published', digits: 1 },
          { key: 'limit', label: 'limit s', digits: 2 },
          { key: 'vsLimit', label: '÷ limit', digits: 2 },
          { key: 'vsFloor', label: '÷ serial floor', digits: 2 },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
