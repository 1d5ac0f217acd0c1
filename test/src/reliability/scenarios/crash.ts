import { seededRandom } from '@tributary/task-producer';
import { exactlyOnceChecks, type Member, type RunResult, sleep } from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface CrashOptions {
  contender: Contender;
  /** SIGKILLs, each at a random moment and of a random member (scenario 3: 5). */
  kills: number;
  perSecond: number;
  /** Deterministic "random" moments, so a failing run can be repeated. */
  seed?: number;
  label?: string;
}

const MEMBERS = 3;
const COMMIT_MS = 500;
const MAX_IN_FLIGHT = 300;
/** The members' `concurrency`: how many handlers a kill can catch between effect and done. */
const CONCURRENCY = 16;

/**
 * The duplicate window of one SIGKILL, from the member's configuration: what it finished but had
 * not committed yet. Commits go out every COMMIT_MS and take a round trip, so at most two intervals
 * of work (at the full produce rate, though a member only has its share) plus everything that was
 * in memory (maxInFlight) can have finished since the last acknowledged commit.
 */
export function crashDuplicateBound(perSecond: number): number {
  return MAX_IN_FLIGHT + Math.ceil((perSecond * 2 * COMMIT_MS) / 1000);
}

/**
 * Scenario 3: SIGKILL one member of three mid-stream, `kills` times at random moments, restarting a
 * replacement each time. Promises: lost 0; raw duplicates within the killed members' uncommitted
 * windows (bound from their config); side-effect duplicates 0 thanks to the Redis idempotency store,
 * but for those a kill explains: it struck a handler between its effect and marking the id done
 * (the window `idempotent()` documents; at most one per running handler per kill).
 */
export function crashScenario(o: CrashOptions): Promise<RunResult> {
  const seed = o.seed ?? 20261125;
  const bound = o.kills * crashDuplicateBound(o.perSecond);
  return runSuiteScenario({
    scenario: o.label ?? `3 SIGKILL ×${o.kills} of 3 members, ${o.perSecond / 1000} msg/ms`,
    options: {
      name: 's3-crash',
      contender: o.contender,
      partitions: 6,
      redis: true,
      env: {
        PROTOCOL: 'cooperative',
        COMMIT_MS: String(COMMIT_MS),
        MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
        CONCURRENCY: String(CONCURRENCY),
        DELAY_MS: '1',
        IDEMPOTENCY: 'redis',
        LEASE_MS: '4000',
      },
    },
    settleMs: 90_000,
    body: async (s, notes) => {
      const next = seededRandom(seed); // the same moments and victims for the same seed
      const members: Member[] = [];
      for (let n = 1; n <= MEMBERS; n++) members.push(s.member(`m${n}`));
      await s.waitBalanced(45_000);
      let crashing = true;
      const producing = s.produce(o.perSecond, { until: () => !crashing });
      const killed: string[] = [];
      try {
        for (let k = 1; k <= o.kills; k++) {
          await sleep(1500 + Math.floor(next() * 2500));
          const index = Math.floor(next() * members.length);
          const victim = members[index] as Member;
          await victim.stop('SIGKILL');
          killed.push(victim.name);
          const replacement = s.member(`${victim.name.split('-')[0]}-${k + 1}`);
          members[index] = replacement;
          // The killed member's partitions move once its session (45 s, the default) expires.
          await s.waitBalanced(90_000);
        }
      } finally {
        crashing = false;
        await producing;
      }
      notes.push(
        `killed ${killed.join(', ')} (seed ${seed}); raw-duplicate bound from config ${bound} (${o.kills} × (maxInFlight ${MAX_IN_FLIGHT} + 2 × commit interval ${COMMIT_MS} ms at ${o.perSecond}/s))`,
      );
    },
    expect: (m) => [
      ...exactlyOnceChecks(m, { raw: false, crashWindowBound: o.kills * CONCURRENCY }),
      { name: `raw duplicates ${m.rawDuplicates} ≤ ${bound}`, ok: m.rawDuplicates <= bound },
    ],
  });
}
