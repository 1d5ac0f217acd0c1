import { exactlyOnceChecks, type RunResult, sleep } from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface SlowHandlerOptions {
  contender: Contender;
  count: number;
  perSecond: number;
  label?: string;
}

const MAX_POLL_MS = 6000;
const SLOW_MS = 9000;
const SLOW_EVERY = 400;

/**
 * Scenario 7: some messages (1 in 400) take 9 s, longer than `max.poll.interval.ms` (6 s). A
 * consumer that polls only between handler calls misses the deadline and is kicked out of the
 * group. Promises: the member stays (no revocation, no lost assignment after the group formed),
 * lost 0, duplicated 0.
 */
export function slowHandlerScenario(o: SlowHandlerOptions): Promise<RunResult> {
  let leftGroup = 0;
  return runSuiteScenario({
    scenario: o.label ?? `7 handler slower than max.poll.interval (${SLOW_MS / 1000} s > ${MAX_POLL_MS / 1000} s)`,
    options: {
      name: 's7-slow',
      contender: o.contender,
      partitions: 6,
      env: {
        PROTOCOL: 'cooperative',
        // librdkafka requires session.timeout.ms ≤ max.poll.interval.ms, so this scenario's short
        // max.poll.interval.ms brings the session down with it.
        SESSION_MS: String(MAX_POLL_MS),
        MAX_POLL_MS: String(MAX_POLL_MS),
        SLOW_EVERY: String(SLOW_EVERY),
        SLOW_MS: String(SLOW_MS),
      },
    },
    settleMs: 120_000,
    body: async (s, notes) => {
      s.member('m1');
      s.member('m2');
      await s.waitBalanced(30_000);
      const formed = Date.now();
      await s.produce(o.perSecond, { count: o.count });
      await sleep(SLOW_MS + 2000); // the last slow ones finish (or the member is kicked out meanwhile)
      leftGroup = s.lines().filter((l) => (l.ev === 'revoked' || l.ev === 'lost') && l.ts >= formed).length;
      notes.push(
        `${Math.floor(o.count / SLOW_EVERY)} slow messages; revocations/lost assignments after the group formed: ${leftGroup}`,
      );
    },
    expect: (m) => [
      ...exactlyOnceChecks(m),
      { name: `revocations after the group formed ${leftGroup} = 0`, ok: leftGroup === 0 },
    ],
  });
}
