import type { ConsumerSpec } from '../contenders/types.js';
import { progress } from '../progress.js';
import { forkWorker } from '../worker/fork-worker.js';
import type { RepResult, ThroughputJob } from '../worker/jobs.js';
import type { WorkloadContext } from './types.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function describeRep(r: RepResult): string {
  const parts = [
    `${fmt(r.messages)} msgs in ${(r.elapsedMs / 1000).toFixed(2)} s = ${fmt(r.throughput)} msgs/s`,
    `cpu ${((r.cpuMs * 1000) / Math.max(1, r.messages)).toFixed(2)} µs/msg`,
  ];
  if (r.brokerCpuMs !== undefined) parts.push(`broker cpu ${fmt(r.brokerCpuMs)} ms`);
  if (r.commits !== undefined) parts.push(`${r.commits} commits`);
  if (r.pauses) parts.push(`${r.pauses} pauses`);
  if (r.peakRssMb !== undefined)
    parts.push(`peak rss ${r.peakRssMb.toFixed(0)} MB, heap ${(r.peakHeapUsedMb ?? 0).toFixed(0)} MB`);
  if (r.capped) parts.push('(capped)');
  return parts.join(', ');
}

/**
 * Runs a throughput job in a fresh worker process (warm-up + reps, a fresh group each), printing
 * one progress line per repetition. Resolves with the measured repetitions or the failure text.
 */
export async function runThroughput(
  ctx: WorkloadContext,
  label: string,
  job: Omit<ThroughputJob, 'kind' | 'brokerPid' | 'spec'> & { spec: Omit<ConsumerSpec, 'bootstrap'> },
): Promise<{ reps: RepResult[] } | { error: string }> {
  const full: ThroughputJob = {
    ...job,
    kind: 'throughput',
    brokerPid: ctx.broker.pid,
    spec: { ...job.spec, bootstrap: ctx.broker.bootstrapServers },
  };
  const worker = forkWorker(full, {
    execArgv: ctx.workerExecArgv,
    timeoutMs: (job.reps + 1) * job.timeoutMs + 60_000,
    onRep: (r) => progress(`${label} ${r.label}: ${describeRep(r)}`),
  });
  try {
    const { results } = await worker.done;
    return { reps: results ?? [] };
  } catch (err) {
    const error = (err as Error).message.split('\n')[0] ?? String(err);
    progress(`${label}: FAILED: ${error}`);
    return { error };
  }
}
