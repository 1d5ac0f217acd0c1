import type { Ordering } from '@tributary/core';

/**
 * What a workload's handler receives from every contender: no per-message object is built for it,
 * so the handler costs the same whichever client calls it.
 */
export type HandleFn = (partition: number, offset: number, value: Buffer | null) => void | Promise<void>;

export type ContenderKind =
  | 'raw'
  | 'ckjs-kafkajs'
  | 'ckjs-eachbatch'
  | 'kafkajs'
  | 'nestjs'
  | 'tributary'
  | 'tributary-nest';

/** Pieces of the production stack, to see what each costs. */
export type MiddlewarePiece = 'logging' | 'tracing' | 'deadLetter' | 'retry' | 'metrics';
export const ALL_MIDDLEWARE: readonly MiddlewarePiece[] = ['logging', 'tracing', 'deadLetter', 'retry', 'metrics'];

export interface TributarySettings {
  ordering: Ordering;
  /**
   * `true`: the default stack (logging, tracing, DLQ, retry) plus Prometheus metrics attached to
   * the events; a list: only those pieces.
   */
  middleware: boolean | readonly MiddlewarePiece[];
  /** Unset: Tributary's own defaults. */
  concurrency?: number;
  maxInFlight?: number;
  batchSize?: number;
  rebalanceProtocol?: 'eager' | 'cooperative';
  groupProtocol?: 'classic' | 'consumer';
}

/** One consumer group member as a worker process starts it. */
export interface ConsumerSpec {
  kind: ContenderKind;
  bootstrap: string;
  topic: string;
  groupId: string;
  partitions: number;
  tributary?: TributarySettings;
  /** Raw client only: eager `range` with the seed's synchronous commit in revoke, or cooperative-sticky. */
  rawRebalance?: 'eager-sync-commit' | 'cooperative';
  /** librdkafka properties for the librdkafka-based contenders (e.g. `fetch.wait.max.ms`). */
  rdkafka?: Record<string, string | number | boolean>;
  /** KafkaJS-based contenders: `maxWaitTimeInMs`. */
  maxWaitMs?: number;
}

export interface RunningConsumer {
  /** Resolves when the member received its first assignment. */
  readonly assigned: Promise<void>;
  /** Offset commits sent so far (what each client lets us count; undefined when it hides them). */
  commits(): number | undefined;
  /** Partitions paused for backpressure so far (Tributary only). */
  pauses?(): number;
  stop(): Promise<void>;
}

export type StartConsumer = (spec: ConsumerSpec, handle: HandleFn) => Promise<RunningConsumer>;

/** A promise with its resolve function, for "assigned" signals fired from callbacks. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
