import type { ConsumerSpec } from '../contenders/types.js';

/** What the handler does with each message. */
export type HandlerSpec =
  | { type: 'noop' }
  | { type: 'sleep'; ms: number }
  /** Waits `workMsOf(offset, maxMs)`: uniform 0–maxMs, the same for every contender. */
  | { type: 'random-sleep'; maxMs: number };

/** A deterministic "random" 0–maxMs from the offset (Knuth's multiplicative hash), in ms. */
export function workMsOf(offset: number, maxMs: number): number {
  return (((Math.imul(offset + 1, 2654435761) >>> 0) % 1_000_001) / 1_000_000) * maxMs;
}

/** Consume a pre-produced backlog `reps` times, each with a fresh consumer group. */
export interface ThroughputJob {
  kind: 'throughput';
  /** `groupId` is the prefix; each repetition appends `-warmup` or `-<rep>`. */
  spec: ConsumerSpec;
  handler: HandlerSpec;
  messages: number;
  /** 0: no warm-up repetition. */
  warmupMessages: number;
  reps: number;
  /** Stop measuring this long after the first message (a slow contender measured over a prefix). */
  capMs?: number;
  /** Sample RSS and heap every 20 ms. */
  sampleMemory?: boolean;
  /** The broker's pid, to account its CPU time over the same window. */
  brokerPid?: number;
  /** Give up on a repetition after this long without finishing. */
  timeoutMs: number;
}

export interface RepResult {
  label: string;
  /** Messages handled in the measured window. */
  messages: number;
  /** First handled message to the last one counted. */
  elapsedMs: number;
  throughput: number;
  /** Subscribe until the first message: group join, offset lookup, first fetch. */
  startToFirstMs: number;
  /** This process (JS thread + librdkafka threads) over the window. */
  cpuMs: number;
  brokerCpuMs?: number;
  commits?: number;
  /** Partitions paused for backpressure in the window (Tributary). */
  pauses?: number;
  capped: boolean;
  /** RSS when the worker started, before the consumer was created. */
  baseRssMb?: number;
  peakRssMb?: number;
  peakHeapUsedMb?: number;
  peakExternalMb?: number;
  /** RSS − heap total − external at the RSS peak: librdkafka, the binding, malloc. */
  peakNativeMb?: number;
}

/** Keep consuming (recording every message) until the parent says `finish`. */
export interface StreamJob {
  kind: 'stream';
  spec: ConsumerSpec;
  timeoutMs: number;
}

/** Per-message record of a stream job, as parallel arrays. */
export interface StreamResult {
  partition: Int32Array;
  offset: Float64Array;
  handledAt: Float64Array;
  producedAt: Float64Array;
  cpuMs: number;
  commits?: number;
  /** Longest time the worker's event loop was blocked (ms), e.g. by a synchronous commit. */
  loopDelayMaxMs?: number;
  /** Partitions paused for backpressure (Tributary). */
  pauses?: number;
}

export type Job = ThroughputJob | StreamJob;

/** Parent → worker. */
export type ParentMessage = { type: 'job'; job: Job } | { type: 'finish'; expected?: number; waitMs: number };

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'assigned' }
  | { type: 'first-message' }
  | { type: 'rep'; result: RepResult }
  | { type: 'done'; results?: RepResult[]; stream?: StreamResult }
  | { type: 'failed'; error: string };
