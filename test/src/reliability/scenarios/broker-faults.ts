import {
  brokerFaultPhases,
  exactlyOnceChecks,
  type FaultPhase,
  type RunResult,
  sleep,
} from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface BrokerFaultsOptions {
  contender: Contender;
  perSecond: number;
  /** How long each fault lasts / how long to watch after it. */
  phaseMs: number;
  label?: string;
}

const BROKERS = 3;

/**
 * Scenario 6: broker faults mid-stream on a 3-broker cluster, one after another: a broker down and
 * up again; OffsetCommit and Produce requests failing with retriable errors; the group coordinator
 * moved to another broker; 500 ms round trips on every broker. Two members with the Redis
 * idempotency store. Promises: lost 0, no duplicate side effects, commits end at the log end.
 * (Raw redeliveries are reported, not promised: a coordinator that is gone can cost a rebalance.)
 */
export function brokerFaultsScenario(o: BrokerFaultsOptions): Promise<RunResult> {
  return runSuiteScenario({
    scenario: o.label ?? `6 broker faults (down/up, commit+produce errors, coordinator moved, RTT 500 ms)`,
    options: {
      name: 's6-faults',
      contender: o.contender,
      partitions: 6,
      brokers: BROKERS,
      redis: true,
      env: {
        PROTOCOL: 'cooperative',
        COMMIT_MS: '500',
        IDEMPOTENCY: 'redis',
        LEASE_MS: '4000',
        DELAY_MS: '1',
      },
    },
    settleMs: 120_000,
    body: async (s, notes) => {
      s.member('m1');
      s.member('m2');
      await s.waitBalanced(45_000);
      let faulting = true;
      const producing = s.produce(o.perSecond, { until: () => !faulting });
      const phase: FaultPhase = async (what, start, end) => {
        const before = await s.unprocessed();
        await start();
        await sleep(o.phaseMs);
        await end?.();
        await sleep(o.phaseMs);
        notes.push(`${what}: backlog ${before} → ${await s.unprocessed()} records without an outcome`);
      };
      try {
        await sleep(o.phaseMs);
        await brokerFaultPhases(s.broker, s.group, phase);
      } finally {
        faulting = false;
        await producing;
      }
    },
    expect: (m) => exactlyOnceChecks(m, { raw: false }),
  });
}
