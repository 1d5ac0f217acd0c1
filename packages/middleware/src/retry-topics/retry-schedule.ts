import { TributaryConfigError } from '@tributary/core';

/** Name of the `n`th retry topic (1-based) of a source topic. */
export type RetryTopicName = (topic: string, n: number) => string;

export const defaultRetryTopicName: RetryTopicName = (topic, n) => `${topic}.retry.${n}`;

/** The retry topics of `topic`, the first first: one per delay. */
export function retryTopicsOf(topic: string, delays: readonly number[], name: RetryTopicName): string[] {
  return delays.map((_, i) => name(topic, i + 1));
}

/**
 * Which retry topic `topic` is for a message whose original topic is `originalTopic`: its 1-based
 * stage, or 0 when it is none of them (the original topic itself, or a topic the headers do not
 * belong to, e.g. a DLQ replay carrying stale headers).
 */
export function stageOf(topic: string, originalTopic: string, delays: readonly number[], name: RetryTopicName): number {
  for (let n = 1; n <= delays.length; n++) if (name(originalTopic, n) === topic) return n;
  return 0;
}

/** What becomes of a message that failed at `stage` (0: on its original topic). */
export type NextStep =
  | { kind: 'retry'; stage: number; dueAt: number }
  | { kind: 'dead-letter' }
  /** Neither a retry topic left nor a DLQ: the error goes on to the core (which holds the partition). */
  | { kind: 'rethrow' };

export interface StepInput {
  stage: number;
  delays: readonly number[];
  /** The error is worth another attempt (not a validation failure, say). */
  retryable: boolean;
  deadLetter: boolean;
  /** When it failed, ms since epoch. */
  now: number;
}

/** The next retry topic while delays are left and the error is retryable, else the DLQ (if any). */
export function nextStep({ stage, delays, retryable, deadLetter, now }: StepInput): NextStep {
  if (retryable && stage < delays.length) {
    return { kind: 'retry', stage: stage + 1, dueAt: now + (delays[stage] as number) };
  }
  return deadLetter ? { kind: 'dead-letter' } : { kind: 'rethrow' };
}

/**
 * How long to hold a message due at `dueAt` (ms since epoch): 0 when it is due. Rounded up, so
 * the wait never ends a fraction of a millisecond early and asks for another one.
 */
export function waitUntilDue(dueAt: number, now: number): number {
  return Math.max(0, Math.ceil(dueAt - now));
}

/** Checks `delays` once, at setup: a list of at least one whole number of milliseconds ≥ 0. */
export function validateDelays(delays: unknown): number[] {
  if (!Array.isArray(delays) || delays.length === 0) {
    throw new TributaryConfigError(
      'retryTopics.delays',
      'expected a non-empty array of delays in ms, e.g. [1000, 10000, 60000]',
    );
  }
  delays.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
      throw new TributaryConfigError(`retryTopics.delays[${i}]`, `expected a whole number of ms ≥ 0, got ${String(d)}`);
  });
  return [...delays];
}
