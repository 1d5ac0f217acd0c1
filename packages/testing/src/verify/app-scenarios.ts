import { type AppScenarioPlan, Instances, producing, sleep } from './app-scenario-support.js';
import { brokerFaults, slowHandler } from './fault-scenarios.js';
import { undecodableRecord } from './messages.js';
import type { Member } from './scenario.js';

export type { AppRunContext, AppScenarioPlan } from './app-scenario-support.js';

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
        await sleep(ctx.durationMs / (planned + 1));
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
      for (let n = 1; n <= ctx.instances; n++) s.member(`m${n}`, {}, `m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      await producing(
        s,
        ctx,
        () => sleep(ctx.durationMs),
        (n) => (n % 100 === 37 ? undecodableRecord(n) : ctx.build(n)),
      );
      notes.push('every 100th record is not JSON (nor UTF-8)');
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
