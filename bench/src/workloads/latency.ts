import type { ConsumerSpec, TributarySettings } from '../contenders/types.js';
import { nowMs } from '../payload.js';
import { startSteadyStream } from '../produce/steady.js';
import { percentiles, spread } from '../stats.js';
import type { StreamResult } from '../worker/jobs.js';
import { repeatRuns, sleep, startMember } from './stream-runner.js';
import type { Row, Workload, WorkloadContext, WorkloadResult } from './types.js';

interface Variant {
  name: string;
  kind: ConsumerSpec['kind'];
  tributary?: TributarySettings;
  rdkafka?: Record<string, number>;
  setup: string;
}

const VARIANTS: Variant[] = [
  { name: 'raw', kind: 'raw', setup: 'consume(5000) loop, librdkafka defaults' },
  {
    name: 'tributary-key',
    kind: 'tributary',
    tributary: { ordering: 'key', middleware: false },
    setup: 'ordering key, defaults (which include fetch.wait.max.ms 100)',
  },
];

interface Measured {
  p50: number;
  p99: number;
  max: number;
  received: number;
  sent: number;
  pauses?: number;
}

/** Produce-to-handler latency of the messages produced after the warm-up. */
function analyse(stream: StreamResult, measureFrom: number, sent: number): Measured {
  const latencies: number[] = [];
  for (let i = 0; i < stream.handledAt.length; i++) {
    const producedAt = stream.producedAt[i] as number;
    if (producedAt >= measureFrom) latencies.push((stream.handledAt[i] as number) - producedAt);
  }
  const [p50, p99, max] = percentiles(latencies, [50, 99, 100]) as [number, number, number];
  return { p50, p99, max, received: stream.handledAt.length, sent, pauses: stream.pauses };
}

async function runOnce(ctx: WorkloadContext, variant: Variant, rep: number): Promise<Measured> {
  const { plan, broker } = ctx;
  const topic = `lat-${variant.name.replace(/[^a-z0-9-]/gi, '-')}-${rep}`;
  await broker.createTopic({ name: topic, partitions: plan.partitions });
  const member = await startMember(
    ctx,
    {
      kind: variant.kind,
      topic,
      groupId: `${topic}-g`,
      partitions: plan.partitions,
      tributary: variant.tributary,
      rdkafka: variant.rdkafka,
    },
    30_000,
  );
  const stream = await startSteadyStream(broker.bootstrapServers, topic, plan.latency.rate, plan);
  const measureFrom = nowMs() + plan.latency.warmupSeconds * 1000;
  await sleep((plan.latency.warmupSeconds + plan.latency.seconds) * 1000);
  const sent = await stream.stop();
  member.finish(sent, 15_000);
  const { stream: result } = await member.done;
  if (!result) throw new Error('the worker returned no stream');
  return analyse(result, measureFrom, sent);
}

/** Workload 4: produce → handler latency at a steady rate. */
export const latencyWorkload: Workload = {
  id: 'latency',
  title: 'End-to-end latency',
  async prepare() {},
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    for (const variant of VARIANTS.filter((v) => ctx.selected(v.name))) {
      const { runs, error } = await repeatRuns(
        plan.reps,
        `latency ${variant.name}`,
        (rep) => runOnce(ctx, variant, rep),
        (m) =>
          `p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, max ${m.max.toFixed(1)} ms (${m.received}/${m.sent} received${m.pauses ? `, ${m.pauses} pauses` : ''})`,
      );
      if (error) rows.push({ contender: variant.name, setup: variant.setup, error, values: {} });
      else
        rows.push({
          contender: variant.name,
          setup: variant.setup,
          values: {
            p50: spread(runs.map((r) => r.p50)),
            p99: spread(runs.map((r) => r.p99)),
            max: spread(runs.map((r) => r.max)),
            pauses: spread(runs.map((r) => r.pauses ?? Number.NaN)),
            received: `${runs.reduce((n, r) => n + r.received, 0).toLocaleString('en-US')} / ${runs.reduce((n, r) => n + r.sent, 0).toLocaleString('en-US')}`,
          },
        });
    }
    return [
      {
        id: 'latency',
        title: `4. End-to-end latency at a steady ${plan.latency.rate.toLocaleString('en-US')} msgs/s`,
        description: `A producer in the bench process writes ${plan.latency.rate.toLocaleString('en-US')} msgs/s (linger.ms 1) round-robin over ${plan.partitions} partitions of a fresh topic, each value carrying its produce time; one consumer (a worker process) records when its handler saw it. The first ${plan.latency.warmupSeconds} s are warm-up, then ${plan.latency.seconds} s are measured; ${plan.reps} repetition(s), each figure the median (min–max) over them. Both at their defaults: the embedded broker answers a waiting fetch as soon as records arrive, as Kafka does (before it did, the raw loop's p50 was ~330 ms at librdkafka's fetch.wait.max.ms 500).`,
        columns: [
          { key: 'p50', label: 'p50 ms', digits: 1 },
          { key: 'p99', label: 'p99 ms', digits: 1 },
          { key: 'max', label: 'max ms', digits: 1 },
          { key: 'pauses', label: 'partition pauses' },
          { key: 'received', label: 'received / sent' },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
