import type { Contender } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { progress } from '../progress.js';
import { spread } from '../stats.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadResult } from './types.js';

const TOPIC = 'bench-io';
/** Enough lanes for every key: the ceiling is concurrency / 10 ms = 100,000 msgs/s. */
const KEY_SETTINGS = { concurrency: 1000, maxInFlight: 20_000, batchSize: 5000 } as const;

/** Key ordering with every setting at its default but `concurrency`: the I/O target rows. */
export const IO_CONCURRENCIES = [64, 256, 1000] as const;
const atConcurrency = (concurrency: number): Contender => ({
  name: `tributary-key c${concurrency}`,
  kind: 'tributary',
  tributary: { ordering: 'key', middleware: false, concurrency },
  setup: `ordering key, concurrency ${concurrency}, every other setting at its default`,
});

const CONTENDERS: Contender[] = [
  ...IO_CONCURRENCIES.map(atConcurrency),
  {
    name: 'tributary-key',
    kind: 'tributary',
    tributary: { ordering: 'key', middleware: false, ...KEY_SETTINGS },
    setup: `ordering key, concurrency ${KEY_SETTINGS.concurrency}, maxInFlight ${KEY_SETTINGS.maxInFlight}`,
  },
  {
    name: 'tributary-key+mw',
    kind: 'tributary',
    tributary: { ordering: 'key', middleware: true, ...KEY_SETTINGS },
    setup: `ordering key, default middleware + metrics, concurrency ${KEY_SETTINGS.concurrency}, maxInFlight ${KEY_SETTINGS.maxInFlight}`,
  },
  {
    name: 'tributary-unordered',
    kind: 'tributary',
    tributary: { ordering: 'unordered', middleware: false, ...KEY_SETTINGS },
    setup: `ordering unordered, concurrency ${KEY_SETTINGS.concurrency}, maxInFlight ${KEY_SETTINGS.maxInFlight}`,
  },
  {
    name: 'tributary-partition',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false },
    setup: 'ordering partition, defaults',
  },
  { name: 'kafkajs', kind: 'kafkajs', setup: 'eachMessage, partitionsConsumedConcurrently 12' },
  { name: 'nestjs', kind: 'nestjs', setup: '@EventPattern, partitionsConsumedConcurrently 12' },
  {
    name: 'tributary-key nest',
    kind: 'tributary-nest',
    tributary: { ordering: 'key', middleware: false, ...KEY_SETTINGS },
    setup: `inside Nest (@tributary/nestjs), ordering key, concurrency ${KEY_SETTINGS.concurrency}, maxInFlight ${KEY_SETTINGS.maxInFlight}`,
  },
];

/** Contenders whose ceiling is one message per partition at a time: measured over a prefix. */
const capped = (name: string) => !name.startsWith('tributary-key') && name !== 'tributary-unordered';

/** Workload 2: a handler that waits 10 ms (an HTTP call, a database write). */
export const ioWorkload: Workload = {
  id: 'io',
  title: 'I/O-bound handler',
  async prepare(ctx) {
    const { plan, broker } = ctx;
    await ensureBacklog(broker, TOPIC, plan.io.messages, plan);
    progress(`produced ${plan.io.messages.toLocaleString('en-US')} messages (${plan.keys} keys) to ${TOPIC}`);
  },
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    const capMs = plan.io.capSeconds * 1000;
    for (const contender of CONTENDERS.filter((c) => ctx.selected(c.name))) {
      const isCapped = capped(contender.name);
      const outcome = await runThroughput(ctx, `io ${contender.name}`, {
        spec: {
          kind: contender.kind,
          topic: TOPIC,
          groupId: `io-${contender.name}`,
          partitions: plan.partitions,
          tributary: contender.tributary,
        },
        handler: { type: 'sleep', ms: plan.io.sleepMs },
        messages: plan.io.messages,
        warmupMessages: isCapped ? 0 : Math.round(plan.io.messages / 5),
        reps: plan.reps,
        ...(isCapped ? { capMs } : {}),
        timeoutMs: 180_000,
      });
      if ('error' in outcome) {
        rows.push({ contender: contender.name, setup: contender.setup, error: outcome.error, values: {} });
        continue;
      }
      const { reps } = outcome;
      const measured = reps.some((r) => r.capped)
        ? `first ${plan.io.capSeconds} s (${Math.round(spread(reps.map((r) => r.messages)).median).toLocaleString('en-US')} of ${plan.io.messages.toLocaleString('en-US')} msgs)`
        : `all ${plan.io.messages.toLocaleString('en-US')} msgs`;
      rows.push({
        contender: contender.name,
        setup: contender.setup,
        values: {
          throughput: spread(reps.map((r) => r.throughput)),
          measured,
          ...(isCapped || !contender.tributary?.concurrency
            ? {}
            : {
                vsLimit:
                  spread(reps.map((r) => r.throughput)).median /
                  ((contender.tributary.concurrency * 1000) / plan.io.sleepMs),
              }),
          ...(reps.some((r) => r.peakRssMb !== undefined)
            ? { peakRssMb: spread(reps.map((r) => r.peakRssMb ?? Number.NaN)) }
            : {}),
          cpuUs: spread(reps.map((r) => (r.cpuMs * 1000) / r.messages)),
        },
      });
    }
    const key = rows.find((r) => r.contender === 'tributary-key')?.values.throughput;
    for (const row of rows) {
      const t = row.values.throughput;
      if (key && t && typeof key === 'object' && typeof t === 'object') row.values.keyRatio = key.median / t.median;
    }
    return [
      {
        id: 'io',
        title: '2. I/O-bound handler (`await sleep(10)`)',
        description: `${plan.io.messages.toLocaleString('en-US')} messages, ${plan.keys} distinct keys over ${plan.partitions} partitions; the handler waits ${plan.io.sleepMs} ms. One message per partition at a time tops out at ${plan.partitions} × 100 = ${(plan.partitions * 100).toLocaleString('en-US')} msgs/s: those contenders are measured over the first ${plan.io.capSeconds} s after their first message (the "measured" column says so) instead of the 40+ s they would need. Key ordering can run every key at once: its ceiling is concurrency / 10 ms.`,
        columns: [
          { key: 'throughput', label: 'msgs/s' },
          { key: 'keyRatio', label: 'tributary-key ÷ this', digits: 1 },
          { key: 'vsLimit', label: '× concurrency / 10 ms', digits: 2 },
          { key: 'peakRssMb', label: 'peak RSS MB' },
          { key: 'measured', label: 'measured' },
          { key: 'cpuUs', label: 'consumer CPU µs/msg', digits: 1 },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
