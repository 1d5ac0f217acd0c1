import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startConsumer } from '../contenders/registry.js';
import { nowMs, producedAtOf } from '../payload.js';
import type { StreamJob, StreamResult } from './jobs.js';
import { ownCpuMs } from './proc-cpu.js';

/** Growable parallel columns: one row per handled message, no object per message. */
class Columns {
  partition = new Int32Array(1 << 16);
  offset = new Float64Array(1 << 16);
  handledAt = new Float64Array(1 << 16);
  producedAt = new Float64Array(1 << 16);
  length = 0;

  push(partition: number, offset: number, handledAt: number, producedAt: number): void {
    if (this.length === this.partition.length) this.grow();
    const i = this.length++;
    this.partition[i] = partition;
    this.offset[i] = offset;
    this.handledAt[i] = handledAt;
    this.producedAt[i] = producedAt;
  }

  private grow(): void {
    const size = this.partition.length * 2;
    const copy = <T extends Int32Array | Float64Array>(from: T, to: T) => {
      to.set(from);
      return to;
    };
    this.partition = copy(this.partition, new Int32Array(size));
    this.offset = copy(this.offset, new Float64Array(size));
    this.handledAt = copy(this.handledAt, new Float64Array(size));
    this.producedAt = copy(this.producedAt, new Float64Array(size));
  }

  result(): Omit<StreamResult, 'cpuMs' | 'commits'> {
    return {
      partition: this.partition.slice(0, this.length),
      offset: this.offset.slice(0, this.length),
      handledAt: this.handledAt.slice(0, this.length),
      producedAt: this.producedAt.slice(0, this.length),
    };
  }
}

/**
 * Consumes a live stream, recording when each message was handled and when it was produced
 * (read from its value). `finish` waits for `expected` messages (or `waitMs`), then stops.
 */
export async function runStreamJob(
  job: StreamJob,
  onAssigned: () => void,
  onFirstMessage: () => void,
  finishRequested: Promise<{ expected?: number; waitMs: number }>,
): Promise<StreamResult> {
  const rows = new Columns();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let reached: (() => void) | undefined;
  let expected = Number.POSITIVE_INFINITY;
  const consumer = await startConsumer(job.spec, (partition, offset, value) => {
    rows.push(partition, offset, nowMs(), producedAtOf(value));
    if (rows.length === 1) onFirstMessage();
    if (rows.length >= expected) reached?.();
  });
  const cpuAtStart = ownCpuMs();
  consumer.assigned.then(onAssigned);
  const finish = await finishRequested;
  if (finish.expected !== undefined && rows.length < finish.expected) {
    expected = finish.expected;
    await new Promise<void>((resolve) => {
      reached = resolve;
      setTimeout(resolve, finish.waitMs);
    });
  }
  const cpuMs = ownCpuMs() - cpuAtStart;
  loopDelay.disable();
  const commits = consumer.commits();
  const pauses = consumer.pauses?.();
  await consumer.stop();
  return { ...rows.result(), cpuMs, commits, pauses, loopDelayMaxMs: loopDelay.max / 1e6 };
}
