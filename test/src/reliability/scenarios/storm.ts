import { exactlyOnceChecks, type Member, type RunResult, sleep } from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface StormOptions {
  contender: Contender;
  protocol: 'eager' | 'cooperative';
  /** How long members keep joining and leaving (scenario 4: 60 s). */
  durationMs: number;
  /** Time between two membership changes (scenario 4: 2 s). */
  everyMs: number;
  perSecond: number;
  label?: string;
}

/**
 * Scenario 4: a rebalance storm. Two members stay; every `everyMs` another one joins or (SIGTERM)
 * leaves, alternating, for `durationMs`, while producing. Promises for graceful changes: lost 0,
 * duplicated 0; afterwards the group converges and the lag returns to 0.
 */
export function stormScenario(o: StormOptions): Promise<RunResult> {
  return runSuiteScenario({
    scenario: o.label ?? `4 storm: join/leave every ${o.everyMs / 1000} s for ${o.durationMs / 1000} s (${o.protocol})`,
    options: {
      name: `s4-storm-${o.protocol}`,
      contender: o.contender,
      partitions: 6,
      env: { PROTOCOL: o.protocol, COMMIT_MS: '500', MAX_IN_FLIGHT: '500' },
    },
    settleMs: 120_000,
    body: async (s, notes) => {
      s.member('core-1');
      s.member('core-2');
      await s.waitBalanced(30_000);
      let storming = true;
      const producing = s.produce(o.perSecond, { until: () => !storming });
      const transient: Member[] = [];
      const leaving: Promise<unknown>[] = [];
      let changes = 0;
      try {
        const until = Date.now() + o.durationMs;
        for (let n = 1; Date.now() < until; n++) {
          await sleep(o.everyMs);
          // Up to two extra members at once: joins and leaves overlap with rebalances still running.
          if (transient.length < 2 && (n % 2 === 1 || transient.length === 0)) transient.push(s.member(`t${n}`));
          else leaving.push((transient.shift() as Member).stop('SIGTERM')); // not awaited: the next change comes on time
          changes += 1;
        }
        for (const m of transient.splice(0)) leaving.push(m.stop('SIGTERM'));
        await Promise.all(leaving);
        const started = Date.now();
        await s.waitBalanced(60_000);
        notes.push(`${changes} membership changes; converged ${Date.now() - started} ms after the last leave`);
      } finally {
        storming = false;
        await producing;
      }
    },
    expect: (m) => exactlyOnceChecks(m),
  });
}
