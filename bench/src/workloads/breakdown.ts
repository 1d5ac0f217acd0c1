import type { ContenderKind, MiddlewarePiece, TributarySettings } from '../contenders/types.js';
import { TRIBUTARY_THROUGHPUT } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { spread } from '../stats.js';
import { BACKLOG_TOPIC } from './noop.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadContext, WorkloadResult } from './types.js';

/** librdkafka fetch/queue settings tried on the no-op backlog (see bench/README.md, findings). */
const SETTINGS: Array<{ label: string; rdkafka: Record<string, number> }> = [
  { label: "each client's defaults (Tributary sets a few, see the README)", rdkafka: {} },
  { label: 'queued.min.messages=1000000', rdkafka: { 'queued.min.messages': 1_000_000 } },
  { label: 'fetch.queue.backoff.ms=50', rdkafka: { 'fetch.queue.backoff.ms': 50 } },
  { label: 'fetch.message.max.bytes=4194304', rdkafka: { 'fetch.message.max.bytes': 4_194_304 } },
  { label: 'queued.max.messages.kbytes=8192', rdkafka: { 'queued.max.messages.kbytes': 8192 } },
];

const SETTINGS_CONTENDERS: Array<{ name: string; kind: ContenderKind; tributary?: TributarySettings }> = [
  { name: 'raw', kind: 'raw' },
  {
    name: 'tributary-partition',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false, ...TRIBUTARY_THROUGHPUT },
  },
];

const STACKS: Array<{ label: string; pieces: readonly MiddlewarePiece[] }> = [
  { label: 'none', pieces: [] },
  { label: 'logging', pieces: ['logging'] },
  { label: 'tracing', pieces: ['tracing'] },
  { label: 'metrics', pieces: ['metrics'] },
  { label: 'retry', pieces: ['retry'] },
  { label: 'deadLetter', pieces: ['deadLetter'] },
  { label: 'all (the +mw rows)', pieces: ['logging', 'tracing', 'deadLetter', 'retry', 'metrics'] },
];

async function measure(
  ctx: WorkloadContext,
  label: string,
  kind: ContenderKind,
  tributary: TributarySettings | undefined,
  rdkafka: Record<string, number>,
  group: string,
) {
  const { plan } = ctx;
  const reps = Math.min(plan.reps, 2);
  return runThroughput(ctx, label, {
    spec: { kind, topic: BACKLOG_TOPIC, groupId: group, partitions: plan.partitions, tributary, rdkafka },
    handler: { type: 'noop' },
    messages: plan.noop.messages,
    warmupMessages: plan.noop.warmupMessages,
    reps,
    timeoutMs: 120_000,
  });
}

/** Where the no-op time goes: librdkafka's fetch/queue settings, and each middleware's cost. */
export const breakdownWorkload: Workload = {
  id: 'breakdown',
  title: 'Breakdown: settings and middleware',
  async prepare(ctx) {
    await ensureBacklog(ctx.broker, BACKLOG_TOPIC, ctx.plan.noop.messages, ctx.plan);
  },
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const settingsRows: Row[] = [];
    for (const contender of SETTINGS_CONTENDERS.filter((c) => ctx.selected(c.name))) {
      for (const [i, setting] of SETTINGS.entries()) {
        const outcome = await measure(
          ctx,
          `settings ${contender.name} ${setting.label}`,
          contender.kind,
          contender.tributary,
          setting.rdkafka,
          `set-${contender.name}-${i}`,
        );
        const row: Row = {
          contender: contender.name,
          setup: contender.name === 'raw' ? 'consume(5000) loop' : "the no-op run's settings",
          values: {},
        };
        if ('error' in outcome) row.error = outcome.error;
        else {
          row.values = {
            setting: setting.label,
            throughput: spread(outcome.reps.map((r) => r.throughput)),
            cpuUs: spread(outcome.reps.map((r) => (r.cpuMs * 1000) / r.messages)),
            cpuShare: spread(outcome.reps.map((r) => r.cpuMs / r.elapsedMs)),
          };
        }
        settingsRows.push(row);
      }
    }
    const stackRows: Row[] = [];
    for (const [i, stack] of STACKS.entries()) {
      if (!ctx.selected('tributary-partition')) break;
      const tributary: TributarySettings = { ordering: 'partition', middleware: stack.pieces, ...TRIBUTARY_THROUGHPUT };
      const outcome = await measure(ctx, `middleware ${stack.label}`, 'tributary', tributary, {}, `mw-${i}`);
      const row: Row = {
        contender: `tributary-partition + ${stack.label}`,
        setup: stack.pieces.join(', ') || 'no middleware',
        values: {},
      };
      if ('error' in outcome) row.error = outcome.error;
      else {
        row.values = {
          throughput: spread(outcome.reps.map((r) => r.throughput)),
          cpuUs: spread(outcome.reps.map((r) => (r.cpuMs * 1000) / r.messages)),
        };
      }
      stackRows.push(row);
    }
    const none = stackRows[0]?.values.cpuUs;
    for (const row of stackRows.slice(1)) {
      const cpu = row.values.cpuUs;
      if (none && cpu && typeof none === 'object' && typeof cpu === 'object')
        row.values.extraUs = cpu.median - none.median;
    }
    const reps = Math.min(plan.reps, 2);
    return [
      {
        id: 'settings',
        title: 'Breakdown A: librdkafka fetch and queue settings (no-op handler)',
        description: `The no-op workload's backlog with one librdkafka property changed at a time (${reps} repetition(s) after a warm-up). Tributary with the no-op run's settings.`,
        columns: [
          { key: 'setting', label: 'setting' },
          { key: 'throughput', label: 'msgs/s' },
          { key: 'cpuUs', label: 'consumer CPU µs/msg', digits: 2 },
          { key: 'cpuShare', label: 'consumer CPU cores', digits: 2 },
        ],
        rows: settingsRows,
        notes: [],
      },
      {
        id: 'middleware',
        title: 'Breakdown B: what each middleware costs (no-op handler, ordering partition)',
        description: `Each row adds one piece of the production stack (metrics = TributaryMetrics attached to the app's events; deadLetter includes a connected producer), ${reps} repetition(s) after a warm-up.`,
        columns: [
          { key: 'throughput', label: 'msgs/s' },
          { key: 'cpuUs', label: 'consumer CPU µs/msg', digits: 2 },
          { key: 'extraUs', label: 'extra µs/msg vs none', digits: 2 },
        ],
        rows: stackRows,
        notes: [],
      },
    ];
  },
};
