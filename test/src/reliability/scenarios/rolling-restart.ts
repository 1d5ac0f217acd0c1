import type { LogLine } from '@tributary/testing/verify';
import { exactlyOnceChecks, type Member, type RunResult, type Scenario, sleep } from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface RollingRestartOptions {
  contender: Contender;
  perSecond: number;
  label?: string;
}

/** Tributary's (and Kafka's) default session timeout: a restart must come back within it. */
const SESSION_MS = 45_000;

/** Assignments each consumer process received so far. */
function assignments(s: Scenario): Map<string, number> {
  const perProcess = new Map<string, number>();
  for (const l of s.lines() as LogLine[]) if (l.ev === 'assigned') perProcess.set(l.i, (perProcess.get(l.i) ?? 0) + 1);
  return perProcess;
}

/**
 * Rebalances triggered since `baseline` (the assignments when the group had formed): a process
 * started later gets one assignment when it joins (a restarted static member gets its old one
 * back); any further assignment, to anyone, means the group rebalanced.
 */
function rebalancesSince(s: Scenario, baseline: Map<string, number>): number {
  let extra = 0;
  for (const [member, count] of assignments(s)) extra += Math.max(0, count - (baseline.get(member) ?? 1));
  return extra;
}

/**
 * Scenario 2: rolling restart of 3 static members (`group.instance.id`), each SIGTERMed and started
 * again well within `sessionTimeoutMs`, while producing. Promises: lost 0, duplicated 0, and the
 * coordinator never rebalances (KIP-345: a static member's leave is not sent; its return within the
 * session gets its old assignment back).
 */
export function rollingRestartScenario(o: RollingRestartOptions): Promise<RunResult> {
  let rebalances = 0;
  return runSuiteScenario({
    scenario: o.label ?? `2 rolling restart of 3 static members, ${o.perSecond / 1000} msg/ms`,
    options: {
      name: 's2-rolling',
      contender: o.contender,
      partitions: 6,
      // The classic protocol (Tributary's default), whose static membership the embedded broker's
      // coordinator implements as Kafka does (KIP-345).
      env: { COMMIT_MS: '500' },
    },
    settleMs: 60_000,
    body: async (s, notes) => {
      const members: Member[] = [1, 2, 3].map((n) => s.member(`m${n}`, { STATIC_ID: `static-${n}` }));
      await s.waitBalanced(60_000);
      await sleep(1000);
      const baseline = assignments(s);
      let restarting = true;
      const producing = s.produce(o.perSecond, { until: () => !restarting });
      const gaps: string[] = [];
      try {
        await sleep(1500);
        for (let n = 1; n <= 3; n++) {
          const old = members[n - 1] as Member;
          await old.stop('SIGTERM');
          const started = Date.now();
          const fresh = s.member(`m${n}-restarted`, { STATIC_ID: `static-${n}` });
          members[n - 1] = fresh;
          await s.waitForEvent(fresh.name, 'assigned', SESSION_MS);
          gaps.push(`m${n} back in ${Date.now() - started} ms`);
          await sleep(2000);
        }
      } finally {
        restarting = false;
        await producing;
      }
      await sleep(1000);
      rebalances = rebalancesSince(s, baseline);
      notes.push(
        `${gaps.join(', ')} (session ${SESSION_MS} ms); rebalances triggered after the group formed: ${rebalances}`,
      );
    },
    expect: (m) => [...exactlyOnceChecks(m), { name: `rebalances triggered ${rebalances} = 0`, ok: rebalances === 0 }],
  });
}
