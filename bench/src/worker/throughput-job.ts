import { setTimeout as sleep } from 'node:timers/promises';
import { startConsumer } from '../contenders/registry.js';
import type { HandleFn } from '../contenders/types.js';
import { type HandlerSpec, type RepResult, type ThroughputJob, workMsOf } from './jobs.js';
import { ownCpuMs, processCpuMs } from './proc-cpu.js';

const MB = 1024 * 1024;

function handlerOf(spec: HandlerSpec, counted: () => void): HandleFn {
  if (spec.type === 'noop') return () => counted();
  if (spec.type === 'random-sleep') {
    const { maxMs } = spec;
    return (_partition, offset) => sleep(workMsOf(offset, maxMs)).then(counted);
  }
  const ms = spec.ms;
  return () => sleep(ms).then(counted);
}

/** Peak memory of this process while `sampling` runs. */
function memorySampler() {
  const peak = { rss: 0, heapUsed: 0, external: 0, native: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak.rss) peak.native = m.rss - m.heapTotal - m.external;
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external + m.arrayBuffers);
  };
  sample();
  const baseRssMb = peak.rss / MB;
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        baseRssMb,
        peakRssMb: peak.rss / MB,
        peakHeapUsedMb: peak.heapUsed / MB,
        peakExternalMb: peak.external / MB,
        peakNativeMb: peak.native / MB,
      };
    },
  };
}

/**
 * One repetition: a fresh group consumes `target` messages (or until `capMs` after the first).
 * The window runs from the first handled message to the last counted one; CPU is measured over it.
 */
async function runRep(job: ThroughputJob, label: string, target: number): Promise<RepResult> {
  let count = 0;
  let firstAt = 0;
  let firstCpu = 0;
  let firstBrokerCpu: number | undefined;
  let end:
    | {
        at: number;
        count: number;
        cpu: number;
        brokerCpu?: number;
        commits?: number;
        pauses?: number;
        reason: 'done' | 'cap' | 'timeout';
      }
    | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let consumer: Awaited<ReturnType<typeof startConsumer>> | undefined;
  let capTimer: NodeJS.Timeout | undefined;
  const close = (reason: 'done' | 'cap' | 'timeout') => {
    if (end) return;
    end = {
      at: performance.now(),
      count,
      cpu: ownCpuMs(),
      brokerCpu: processCpuMs(job.brokerPid),
      commits: consumer?.commits(),
      pauses: consumer?.pauses?.(),
      reason,
    };
    clearTimeout(capTimer);
    finish();
  };
  let commitsAtFirst: number | undefined;
  let pausesAtFirst: number | undefined;
  const counted = () => {
    count += 1;
    if (count === 1) {
      firstAt = performance.now();
      firstCpu = ownCpuMs();
      firstBrokerCpu = processCpuMs(job.brokerPid);
      commitsAtFirst = consumer?.commits();
      pausesAtFirst = consumer?.pauses?.();
      if (job.capMs !== undefined) capTimer = setTimeout(() => close('cap'), job.capMs);
    }
    if (count >= target) close('done');
  };
  const memory = job.sampleMemory ? memorySampler() : undefined;
  const startedAt = performance.now();
  const timeout = setTimeout(() => close('timeout'), job.timeoutMs);
  consumer = await startConsumer(
    { ...job.spec, groupId: `${job.spec.groupId}-${label}` },
    handlerOf(job.handler, counted),
  );
  await finished;
  clearTimeout(timeout);
  const mem = memory?.stop();
  await consumer.stop();
  const e = end as NonNullable<typeof end>;
  if (e.reason === 'timeout') {
    throw new Error(`${label}: ${e.count} of ${target} messages within ${Math.round(job.timeoutMs / 1000)} s, gave up`);
  }
  const elapsedMs = e.at - firstAt;
  // The first message is the window's start: it is not counted in the rate.
  const messages = e.count;
  return {
    label,
    messages,
    elapsedMs,
    throughput: elapsedMs > 0 ? ((messages - 1) * 1000) / elapsedMs : Number.NaN,
    startToFirstMs: firstAt - startedAt,
    cpuMs: e.cpu - firstCpu,
    brokerCpuMs: e.brokerCpu !== undefined && firstBrokerCpu !== undefined ? e.brokerCpu - firstBrokerCpu : undefined,
    commits: e.commits !== undefined && commitsAtFirst !== undefined ? e.commits - commitsAtFirst : undefined,
    pauses: e.pauses !== undefined && pausesAtFirst !== undefined ? e.pauses - pausesAtFirst : undefined,
    capped: e.count < target,
    ...mem,
  };
}

export async function runThroughputJob(job: ThroughputJob, report: (result: RepResult) => void): Promise<RepResult[]> {
  if (job.warmupMessages > 0) report(await runRep(job, 'warmup', job.warmupMessages));
  const results: RepResult[] = [];
  for (let rep = 1; rep <= job.reps; rep++) {
    const result = await runRep(job, `rep${rep}`, job.messages);
    results.push(result);
    report(result);
  }
  return results;
}
