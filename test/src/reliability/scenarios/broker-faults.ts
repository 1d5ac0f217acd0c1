import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import { exactlyOnceChecks, type RunResult, sleep } from '@tributary/testing/verify';
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
      const phase = async (what: string, start: () => Promise<void>, end?: () => Promise<void>) => {
        const before = await s.unprocessed();
        await start();
        await sleep(o.phaseMs);
        await end?.();
        await sleep(o.phaseMs);
        notes.push(`${what}: backlog ${before} → ${await s.unprocessed()} records without an outcome`);
      };
      try {
        await sleep(o.phaseMs);
        await phase(
          'broker 2 down, then up',
          () => s.broker.setBrokerDown(2),
          () => s.broker.setBrokerUp(2),
        );
        await phase('6 OffsetCommit errors', () =>
          s.broker.injectErrors(ApiKey.OffsetCommit, [
            KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
            KafkaErrorCode.REQUEST_TIMED_OUT,
            KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
            KafkaErrorCode.NOT_COORDINATOR,
            KafkaErrorCode.REQUEST_TIMED_OUT,
            KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
          ]),
        );
        await phase('6 Produce errors', () =>
          s.broker.injectErrors(ApiKey.Produce, [
            KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
            KafkaErrorCode.REQUEST_TIMED_OUT,
            KafkaErrorCode.NOT_ENOUGH_REPLICAS,
            KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
            KafkaErrorCode.REQUEST_TIMED_OUT,
            KafkaErrorCode.NOT_ENOUGH_REPLICAS,
          ]),
        );
        await phase('coordinator moved to broker 3', () => s.broker.setCoordinator(s.group, 3));
        await phase(
          'RTT 500 ms on every broker',
          async () => {
            for (let id = 1; id <= BROKERS; id++) await s.broker.setRtt(id, 500);
          },
          async () => {
            for (let id = 1; id <= BROKERS; id++) await s.broker.setRtt(id, 0);
          },
        );
      } finally {
        faulting = false;
        await producing;
      }
    },
    expect: (m) => exactlyOnceChecks(m, { raw: false }),
  });
}
