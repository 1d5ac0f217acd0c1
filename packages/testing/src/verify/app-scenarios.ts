import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import type { OutgoingRecord } from './rate-producer.js';
import type { Member, Scenario } from './scenario.js';

/** The scenarios `verifyDelivery` can put a user's app through. */
export const VERIFY_SCENARIOS = [
  'scale',
  'rolling-restart',
  'sigkill',
  'storm',
  'poison',
  'broker-faults',
  'slow-handler',
] as const;
export type VerifyScenario = (typeof VERIFY_SCENARIOS)[number];

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts logical instances and restarts them under the same instance name (`m2`, `m2#2`, …). */
class Instances {
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
async function producing(s: Scenario, ctx: AppRunContext, during: () => Promise<void>, build = ctx.build) {
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

function scale(): AppScenarioPlan {
  return {
    label: 'scale 1→N→1',
    kills: () => 0,
    body: async (s, notes, ctx) => {
      const group = new Instances(s);
      group.start('m1');
      await s.waitBalanced(ctx.convergeMs);
      const dwell = Math.max(1000, ctx.durationMs / (2 * Math.max(1, ctx.instances)));
      await producing(s, ctx, async () => {
        await sleep(dwell);
        for (let n = 2; n <= ctx.instances; n++) {
          group.start(`m${n}`);
          await s.waitBalanced(ctx.convergeMs);
          ctx.progress(`scaled out to ${n}`);
          await sleep(dwell);
        }
        for (let n = ctx.instances; n >= 2; n--) {
          await group.current.get(`m${n}`)?.stop('SIGTERM');
          await s.waitBalanced(ctx.convergeMs);
          ctx.progress(`scaled in to ${n - 1}`);
          await sleep(dwell);
        }
      });
      notes.push(`1 → ${ctx.instances} → 1 instances, one at a time (SIGTERM to leave)`);
    },
  };
}

function rollingRestart(): AppScenarioPlan {
  return {
    label: 'rolling restart (SIGTERM, start again)',
    kills: () => 0,
    body: async (s, notes, ctx) => {
      const group = new Instances(s);
      for (let n = 1; n <= ctx.instances; n++) group.start(`m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      const dwell = Math.max(1000, ctx.durationMs / Math.max(1, ctx.instances));
      await producing(s, ctx, async () => {
        for (let n = 1; n <= ctx.instances; n++) {
          await sleep(dwell / 2);
          await group.current.get(`m${n}`)?.stop('SIGTERM');
          group.start(`m${n}`);
          await s.waitBalanced(ctx.convergeMs);
          ctx.progress(`restarted m${n}`);
          await sleep(dwell / 2);
        }
      });
      notes.push(`${ctx.instances} instances restarted one after another`);
    },
  };
}

function sigkill(): AppScenarioPlan {
  let kills = 0;
  return {
    label: 'SIGKILL a random instance, start it again',
    kills: () => kills,
    body: async (s, notes, ctx) => {
      const group = new Instances(s);
      for (let n = 1; n <= ctx.instances; n++) group.start(`m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      const planned = Math.max(1, Math.round(ctx.durationMs / 15_000));
      const victims: string[] = [];
      await producing(s, ctx, async () => {
        for (let k = 0; k < planned; k++) {
          await sleep(ctx.durationMs / (planned + 1));
          const instance = `m${1 + Math.floor(Math.random() * ctx.instances)}`;
          const victim = group.current.get(instance) as Member;
          await victim.stop('SIGKILL');
          kills += 1;
          victims.push(victim.name);
          group.start(instance);
          ctx.progress(`killed ${victim.name} (SIGKILL), started it again`);
          // Without static membership the dead member's partitions wait for its session to expire.
          await s.waitBalanced(ctx.convergeMs);
        }
      });
      notes.push(`SIGKILLed ${victims.join(', ')}`);
    },
  };
}

function storm(): AppScenarioPlan {
  return {
    label: 'rebalance storm (join/leave every 2 s)',
    kills: () => 0,
    body: async (s, notes, ctx) => {
      const group = new Instances(s);
      for (let n = 1; n <= ctx.instances; n++) group.start(`m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      let changes = 0;
      await producing(s, ctx, async () => {
        const transient: Member[] = [];
        const leaving: Promise<unknown>[] = [];
        const until = performance.now() + ctx.durationMs;
        for (let n = 1; performance.now() < until; n++) {
          await sleep(2000);
          // Up to two extra instances at once: joins and leaves overlap with rebalances still running.
          if (transient.length < 2 && (n % 2 === 1 || transient.length === 0)) transient.push(group.start(`t${n}`));
          else leaving.push((transient.shift() as Member).stop('SIGTERM'));
          changes += 1;
          if (changes % 5 === 0) ctx.progress(`${changes} membership changes`);
        }
        for (const m of transient.splice(0)) leaving.push(m.stop('SIGTERM'));
        await Promise.all(leaving);
        await s.waitBalanced(ctx.convergeMs);
      });
      notes.push(`${changes} membership changes, then converged`);
    },
  };
}

function poison(): AppScenarioPlan {
  return {
    label: 'poison: 1 % undecodable records',
    badRecords: true,
    kills: () => 0,
    body: async (s, notes, ctx) => {
      const { undecodableRecord } = await import('./messages.js');
      for (let n = 1; n <= ctx.instances; n++) s.member(`m${n}`, {}, `m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      await producing(s, ctx, () => sleep(ctx.durationMs), (n) =>
        n % 100 === 37 ? undecodableRecord(n) : ctx.build(n),
      );
      notes.push('every 100th record is not JSON (nor UTF-8)');
    },
  };
}

function brokerFaults(): AppScenarioPlan {
  return {
    label: 'broker faults (down/up, commit+produce errors, coordinator moved, RTT 500 ms)',
    brokers: 3,
    kills: () => 0,
    body: async (s, notes, ctx) => {
      for (let n = 1; n <= ctx.instances; n++) s.member(`m${n}`, {}, `m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      const phaseMs = Math.max(1000, ctx.durationMs / 10);
      const phase = async (what: string, start: () => Promise<void>, end?: () => Promise<void>) => {
        await start();
        await sleep(phaseMs);
        await end?.();
        await sleep(phaseMs);
        ctx.progress(what);
        notes.push(what);
      };
      const errors = (codes: number[]) => [...codes, ...codes];
      await producing(s, ctx, async () => {
        await phase('broker 2 down, then up', () => s.broker.setBrokerDown(2), () => s.broker.setBrokerUp(2));
        await phase('6 OffsetCommit errors', () =>
          s.broker.injectErrors(
            ApiKey.OffsetCommit,
            errors([KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, KafkaErrorCode.REQUEST_TIMED_OUT, KafkaErrorCode.NOT_COORDINATOR]),
          ),
        );
        await phase('6 Produce errors', () =>
          s.broker.injectErrors(
            ApiKey.Produce,
            errors([KafkaErrorCode.NOT_LEADER_OR_FOLLOWER, KafkaErrorCode.REQUEST_TIMED_OUT, KafkaErrorCode.NOT_ENOUGH_REPLICAS]),
          ),
        );
        await phase('coordinator moved to broker 3', () => s.broker.setCoordinator(s.group, 3));
        await phase(
          'RTT 500 ms on every broker',
          async () => {
            for (let id = 1; id <= 3; id++) await s.broker.setRtt(id, 500);
          },
          async () => {
            for (let id = 1; id <= 3; id++) await s.broker.setRtt(id, 0);
          },
        );
      });
    },
  };
}

/** Every 400th offset is held by the recorder before the handler runs: longer than max.poll.interval.ms if that is ≤ 20 s. */
function slowHandler(maxPollIntervalMs: number): AppScenarioPlan {
  const slowMs = Math.min(Math.round(maxPollIntervalMs * 1.5), 30_000);
  return {
    label: `slow handler (1 in 400 takes ${slowMs / 1000} s; max.poll.interval ${maxPollIntervalMs / 1000} s)`,
    env: { TRIBUTARY_VERIFY_SLOW: `400:${slowMs}` },
    kills: () => 0,
    body: async (s, notes, ctx) => {
      for (let n = 1; n <= ctx.instances; n++) s.member(`m${n}`, {}, `m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      await producing(s, ctx, () => sleep(ctx.durationMs));
      await sleep(slowMs + 2000);
      if (slowMs <= maxPollIntervalMs)
        notes.push(`slow messages (${slowMs} ms) stay within max.poll.interval.ms; lower it to test beyond`);
    },
  };
}

export function appScenario(name: VerifyScenario, ctx: { maxPollIntervalMs: number }): AppScenarioPlan {
  switch (name) {
    case 'scale':
      return scale();
    case 'rolling-restart':
      return rollingRestart();
    case 'sigkill':
      return sigkill();
    case 'storm':
      return storm();
    case 'poison':
      return poison();
    case 'broker-faults':
      return brokerFaults();
    case 'slow-handler':
      return slowHandler(ctx.maxPollIntervalMs);
  }
}
