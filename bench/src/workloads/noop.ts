import { NOOP_CONTENDERS } from '../contenders/variants.js';
import { ensureBacklog } from '../produce/backlog.js';
import { progress } from '../progress.js';
import { spread } from '../stats.js';
import type { RepResult } from '../worker/jobs.js';
import { runThroughput } from './throughput-runner.js';
import type { Row, Workload, WorkloadContext, WorkloadResult } from './types.js';

export const BACKLOG_TOPIC = 'bench-backlog';

const perMessageUs = (ms: number | undefined, reps: RepResult) =>
  ms === undefined ? Number.NaN : (ms * 1000) / reps.messages;

/**
 * Workload 1 (no-op handler: throughput and CPU per message) and workload 6 (commit load at that
 * throughput), from the same repetitions.
 */
export const noopWorkload: Workload = {
  id: 'noop',
  title: 'No-op handler',
  async prepare(ctx) {
    const { plan, broker } = ctx;
    const started = performance.now();
    if (await ensureBacklog(broker, BACKLOG_TOPIC, plan.noop.messages, plan))
      progress(
        `produced ${plan.noop.messages.toLocaleString('en-US')} × ${plan.valueBytes} B to ${BACKLOG_TOPIC} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
  },
  async run(ctx: WorkloadContext): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    const commitRows: Row[] = [];
    let rawMedian: number | undefined;
    for (const contender of NOOP_CONTENDERS.filter((c) => ctx.selected(c.name))) {
      const outcome = await runThroughput(ctx, `noop ${contender.name}`, {
        spec: {
          kind: contender.kind,
          topic: BACKLOG_TOPIC,
          groupId: `noop-${contender.name}`,
          partitions: plan.partitions,
          tributary: contender.tributary,
        },
        handler: { type: 'noop' },
        messages: plan.noop.messages,
        warmupMessages: plan.noop.warmupMessages,
        reps: plan.reps,
        timeoutMs: 120_000,
      });
      if ('error' in outcome) {
        rows.push({ contender: contender.name, setup: contender.setup, error: outcome.error, values: {} });
        commitRows.push({ contender: contender.name, setup: contender.setup, error: outcome.error, values: {} });
        continue;
      }
      const { reps } = outcome;
      const throughput = spread(reps.map((r) => r.throughput));
      if (contender.name === 'raw') rawMedian = throughput.median;
      rows.push({
        contender: contender.name,
        setup: contender.setup,
        values: {
          throughput,
          vsRaw: rawMedian ? throughput.median / rawMedian : undefined,
          cpuUs: spread(reps.map((r) => perMessageUs(r.cpuMs, r))),
          brokerCpuUs: spread(reps.map((r) => perMessageUs(r.brokerCpuMs, r))),
          cpuShare: spread(reps.map((r) => r.cpuMs / r.elapsedMs)),
          joinMs: spread(reps.map((r) => r.startToFirstMs)),
        },
      });
      const counted = reps.every((r) => r.commits !== undefined);
      commitRows.push({
        contender: contender.name,
        setup: contender.setup,
        values: counted
          ? {
              commitsPerSec: spread(reps.map((r) => ((r.commits ?? 0) * 1000) / r.elapsedMs)),
              messagesPerCommit: spread(reps.map((r) => r.messages / Math.max(1, r.commits ?? 0))),
              throughput,
            }
          : { commitsPerSec: 'not reported by the client', throughput },
      });
    }
    return [
      {
        id: 'noop',
        title: '1. No-op handler: throughput and CPU per message',
        description: `${plan.noop.messages.toLocaleString('en-US')} messages of ${plan.valueBytes} B over ${plan.partitions} partitions, pre-produced in batches up to 1 MB; each repetition a fresh consumer group reads them all. Throughput from the first handled message to the last; CPU time of the consumer process (JS and librdkafka threads) and of the broker process over the same window. Warm-up ${plan.noop.warmupMessages.toLocaleString('en-US')} messages, then ${plan.reps} repetitions: median (min–max).`,
        columns: [
          { key: 'throughput', label: 'msgs/s' },
          { key: 'vsRaw', label: '× raw', digits: 2 },
          { key: 'cpuUs', label: 'consumer CPU µs/msg', digits: 2 },
          { key: 'cpuShare', label: 'consumer CPU cores', digits: 2 },
          { key: 'brokerCpuUs', label: 'broker CPU µs/msg', digits: 2 },
          { key: 'joinMs', label: 'start → first msg (ms)' },
        ],
        rows,
        notes: [],
      },
      {
        id: 'commits',
        title: '6. Commit load at full throughput',
        description:
          "Offset commits sent per second during the no-op runs above (Tributary: `offsets.committed` events; raw: one per batch; KafkaJS/Nest: `consumer.commit_offsets` instrumentation events). The confluent KafkaJS-compatible API commits through librdkafka's auto-commit, which it does not report.",
        columns: [
          { key: 'commitsPerSec', label: 'commits/s', digits: 1 },
          { key: 'messagesPerCommit', label: 'msgs per commit' },
          { key: 'throughput', label: 'msgs/s' },
        ],
        rows: commitRows,
        notes: [],
      },
    ];
  },
};
