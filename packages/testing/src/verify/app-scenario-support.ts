import type { OutgoingRecord } from './rate-producer.js';
import type { Member, Scenario } from './scenario.js';

/** What a scenario body gets: the run's sizes and how to make records. */
export interface AppRunContext {
  instances: number;
  durationMs: number;
  /** Messages per second while the faults go on. */
  rate: number;
  build: (n: number) => OutgoingRecord;
  /** How long a group change may take to converge (the app's session timeout and then some). */
  convergeMs: number;
  /** The app's max.poll.interval.ms (slow-handler). */
  maxPollIntervalMs: number;
  progress: (text: string) => void;
}

/** One scenario for an app: its faults (`body`), and what it tells the expectations. */
export interface AppScenarioPlan {
  label: string;
  brokers?: number;
  /** Member environment the scenario adds (e.g. the recorder's slow-message setting). */
  env?: Record<string, string>;
  /** Bad records are mixed in: they must reach `<topic>.dlq`. */
  badRecords?: boolean;
  body: (s: Scenario, notes: string[], ctx: AppRunContext) => Promise<void>;
  /** SIGKILLs the body sent (set as it runs): the crash-duplicate bound is per kill. */
  kills: () => number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts logical instances and restarts them under the same instance name (`m2`, `m2#2`, …). */
export class Instances {
  private readonly incarnations = new Map<string, number>();
  readonly current = new Map<string, Member>();

  constructor(private readonly s: Scenario) {}

  start(instance: string): Member {
    const n = (this.incarnations.get(instance) ?? 0) + 1;
    this.incarnations.set(instance, n);
    const member = this.s.member(n === 1 ? instance : `${instance}#${n}`, {}, instance);
    this.current.set(instance, member);
    return member;
  }
}

/** Produces at the context's rate while `during` runs, then waits for every acknowledgement. */
export async function producing(s: Scenario, ctx: AppRunContext, during: () => Promise<void>, build = ctx.build) {
  let going = true;
  const produced = s.produce(ctx.rate, { until: () => !going }, build);
  try {
    await during();
  } finally {
    going = false;
    const count = await produced;
    ctx.progress(`produced ${count} messages`);
  }
}
