import type { ConsumerSpec, TributarySettings } from '../contenders/types.js';
import { nowMs } from '../payload.js';
import { startSteadyStream } from '../produce/steady.js';
import { spread } from '../stats.js';
import type { WorkerHandle } from '../worker/fork-worker.js';
import { analyseRebalance, type RebalanceMeasure } from './rebalance-analysis.js';
import { repeatRuns, sleep, startMember } from './stream-runner.js';
import type { Row, Workload, WorkloadContext, WorkloadResult } from './types.js';

interface Variant {
  name: string;
  kind: ConsumerSpec['kind'];
  tributary?: TributarySettings;
  rawRebalance?: ConsumerSpec['rawRebalance'];
  setup: string;
}

const VARIANTS: Variant[] = [
  {
    name: 'tributary cooperative',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false, rebalanceProtocol: 'cooperative' },
    setup: 'cooperative-sticky (default), revoke flush + sync commit of the moving partitions only',
  },
  {
    name: 'tributary eager',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false, rebalanceProtocol: 'eager' },
    setup: 'eager (range,roundrobin), revoke flush + sync commit of everything',
  },
  {
    name: 'tributary KIP-848',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false, groupProtocol: 'consumer' },
    setup: 'group.protocol=consumer (broker-side incremental assignment)',
  },
  {
    name: 'raw cooperative',
    kind: 'raw',
    rawRebalance: 'cooperative',
    setup: 'cooperative-sticky, commitSync in the revoke callback (for the moving partitions), incremental unassign',
  },
  {
    name: 'raw eager + sync commit',
    kind: 'raw',
    rawRebalance: 'eager-sync-commit',
    setup: "the seed's pattern: range assignor, commitSync in the revoke callback, then unassign",
  },
];

async function runOnce(
  ctx: WorkloadContext,
  variant: Variant,
  rep: number,
): Promise<RebalanceMeasure & { joinToAssignedMs: number }> {
  const { plan, broker } = ctx;
  const topic = `reb-${variant.name.replace(/[^a-z0-9]+/gi, '-')}-${rep}`;
  await broker.createTopic({ name: topic, partitions: plan.partitions });
  const spec = {
    kind: variant.kind,
    topic,
    groupId: `${topic}-g`,
    partitions: plan.partitions,
    tributary: variant.tributary,
    rawRebalance: variant.rawRebalance,
  };
  const members: WorkerHandle[] = [];
  try {
    members.push(await startMember(ctx, spec, 30_000));
    const stream = await startSteadyStream(broker.bootstrapServers, topic, plan.rebalance.rate, plan);
    const baselineFrom = nowMs() + 1000;
    await sleep(plan.rebalance.beforeSeconds * 1000);
    const joinAt = nowMs();
    // Until it handles a message: a cooperative join's first round assigns it nothing.
    members.push(await startMember(ctx, spec, plan.rebalance.maxWaitSeconds * 1000, 'first-message'));
    const joinToAssignedMs = nowMs() - joinAt;
    await sleep(plan.rebalance.afterSeconds * 1000);
    const endAt = nowMs();
    await stream.stop();
    for (const m of members) m.finish(undefined, 0);
    const [first, second] = await Promise.all(members.map((m) => m.done));
    if (!first?.stream) throw new Error('the first member returned no stream');
    return { ...analyseRebalance(first.stream, second?.stream, joinAt, endAt, baselineFrom), joinToAssignedMs };
  } catch (err) {
    for (const m of members) m.kill();
    throw err;
  }
}

const max = (xs: number[]) => (xs.length === 0 ? Number.NaN : Math.max(...xs));

/** Workload 5: what a member joining costs the partitions that stay, and the group as a whole. */
export const rebalanceWorkload: Workload = {
  id: 'rebalance',
  title: 'Rebalance cost',
  async prepare() {},
  async run(ctx): Promise<WorkloadResult[]> {
    const { plan } = ctx;
    const rows: Row[] = [];
    for (const variant of VARIANTS.filter((v) => ctx.selected(v.name))) {
      const { runs, error } = await repeatRuns(
        plan.reps,
        `rebalance ${variant.name}`,
        (rep) => runOnce(ctx, variant, rep),
        (m) =>
          `stayed ${m.stayedGapMs.length} partitions, blocked up to ${max(m.stayedGapMs).toFixed(0)} ms; moved ${m.movedGapMs.length}, blocked up to ${max(m.movedGapMs).toFixed(0)} ms; baseline gap ${m.baselineGapMs.toFixed(0)} ms; ${m.duplicates} duplicates; event loop blocked up to ${m.firstLoopDelayMaxMs.toFixed(0)} ms`,
      );
      if (error) {
        rows.push({ contender: variant.name, setup: variant.setup, error, values: {} });
        continue;
      }
      rows.push({
        contender: variant.name,
        setup: variant.setup,
        values: {
          stayed: spread(runs.map((r) => r.stayedGapMs.length)),
          stayedGap: spread(runs.map((r) => max(r.stayedGapMs))),
          movedGap: spread(runs.map((r) => max(r.movedGapMs))),
          baseline: spread(runs.map((r) => r.baselineGapMs)),
          joinToAssigned: spread(runs.map((r) => r.joinToAssignedMs)),
          duplicates: spread(runs.map((r) => r.duplicates)),
          loopDelay: spread(runs.map((r) => r.firstLoopDelayMaxMs)),
        },
      });
    }
    return [
      {
        id: 'rebalance',
        title: '5. Rebalance cost: a second member joins a steady stream',
        description: `${plan.rebalance.rate.toLocaleString('en-US')} msgs/s over ${plan.partitions} partitions; one member consumes, after ${plan.rebalance.beforeSeconds} s a second one (another worker process, same group) joins; measured until ${plan.rebalance.afterSeconds} s after it got its assignment. Blocked time of a partition = its longest gap between handled messages after the join (the stream is steady, so a gap is time it stood still); "stayed" partitions are the ones the first member kept. Every member keeps its client's fetch settings (Tributary's defaults, librdkafka's for the raw loops): the embedded broker answers a waiting fetch as soon as records arrive, as Kafka does. Under eager rebalancing every partition is revoked, so the stayed partitions' gap is the whole-group pause. Every client keeps its default session timeout and heartbeat interval (a classic member learns of a rebalance from its next heartbeat, every 3 s by default): the embedded broker's coordinator completes a round as soon as every member rejoined, as Kafka's does.`,
        columns: [
          { key: 'stayed', label: 'partitions stayed' },
          { key: 'stayedGap', label: 'stayed: blocked ms (max)' },
          { key: 'movedGap', label: 'moved: blocked ms (max)' },
          { key: 'baseline', label: 'steady-state gap ms (max)' },
          { key: 'joinToAssigned', label: "join → new member's first message ms" },
          { key: 'duplicates', label: 'duplicates' },
          { key: 'loopDelay', label: 'first member: event loop blocked ms (max)' },
        ],
        rows,
        notes: [],
      },
    ];
  },
};
