import type { Member } from '@tributary/testing/verify';
import { exactlyOnceChecks, type RunResult } from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface ScaleOptions {
  contender: Contender;
  protocol: 'eager' | 'cooperative';
  /** Largest group size (scenario 1: 5). */
  maxMembers: number;
  /** Events per second while scaling (scenario 1: 5 msgs/ms = 5000). */
  perSecond: number;
  /** Time at each group size after it converged. */
  dwellMs: number;
  label?: string;
}

/**
 * Scenario 1: scale out 1 → N and back to 1, one member per step, while producing. Joins and
 * graceful leaves (SIGTERM) only, so Tributary promises lost 0 and duplicated 0.
 */
export function scaleScenario(o: ScaleOptions): Promise<RunResult> {
  return runSuiteScenario({
    scenario: o.label ?? `1 scale 1→${o.maxMembers}→1, ${o.perSecond / 1000} msg/ms (${o.protocol})`,
    options: {
      name: `s1-scale-${o.protocol}`,
      contender: o.contender,
      partitions: 6,
      env: { PROTOCOL: o.protocol, COMMIT_MS: '500', MAX_IN_FLIGHT: '500' },
    },
    settleMs: 90_000,
    body: async (s, notes) => {
      const members: Member[] = [s.member('m1')];
      await s.waitBalanced(30_000);
      let scaling = true;
      const producing = s.produce(o.perSecond, { until: () => !scaling });
      try {
        const step = async (what: string, action: () => Promise<void> | void) => {
          const started = Date.now();
          await action();
          await s.waitBalanced(45_000);
          notes.push(`${what}: converged in ${Date.now() - started} ms`);
          await new Promise((resolve) => setTimeout(resolve, o.dwellMs));
        };
        await new Promise((resolve) => setTimeout(resolve, o.dwellMs));
        for (let n = 2; n <= o.maxMembers; n++) await step(`join m${n}`, () => void members.push(s.member(`m${n}`)));
        for (let n = o.maxMembers; n >= 2; n--) {
          const leaving = members.pop() as Member;
          await step(`leave ${leaving.name}`, async () => {
            const code = await leaving.stop('SIGTERM');
            if (code !== 0) notes.push(`${leaving.name} exited with ${code} on SIGTERM`);
          });
        }
      } finally {
        scaling = false;
        await producing;
      }
      notes.splice(0, notes.length, summarizeSteps(notes));
    },
    expect: (m) => exactlyOnceChecks(m),
  });
}

/** "join m2 1234 ms, …" in one note. */
function summarizeSteps(notes: string[]): string {
  return `rebalance steps (to convergence): ${notes.map((n) => n.replace(': converged in', '')).join(', ')}`;
}
