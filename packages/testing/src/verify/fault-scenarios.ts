import { ApiKey, type BrokerProcess, KafkaErrorCode } from '@tributary/broker';
import { type AppScenarioPlan, producing, sleep } from './app-scenario-support.js';

/** One fault of `brokerFaultPhases`: apply it (`start`), keep it a while, lift it (`end`), watch. */
export type FaultPhase = (what: string, start: () => Promise<void>, end?: () => Promise<void>) => Promise<void>;

/**
 * The broker faults, one after another, on a 3-broker cluster: broker 2 down and up again;
 * OffsetCommit and Produce requests failing with retriable errors; the group's coordinator moved to
 * broker 3; 500 ms round trips on every broker. `phase` decides how long each lasts and what is
 * recorded around it (the kit's scenario and the project's reliability suite share this sequence).
 */
export async function brokerFaultPhases(broker: BrokerProcess, group: string, phase: FaultPhase): Promise<void> {
  await phase(
    'broker 2 down, then up',
    () => broker.setBrokerDown(2),
    () => broker.setBrokerUp(2),
  );
  await phase('6 OffsetCommit errors', () =>
    broker.injectErrors(ApiKey.OffsetCommit, [
      KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
      KafkaErrorCode.REQUEST_TIMED_OUT,
      KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      KafkaErrorCode.NOT_COORDINATOR,
      KafkaErrorCode.REQUEST_TIMED_OUT,
      KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
    ]),
  );
  await phase('6 Produce errors', () =>
    broker.injectErrors(ApiKey.Produce, [
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
      KafkaErrorCode.REQUEST_TIMED_OUT,
      KafkaErrorCode.NOT_ENOUGH_REPLICAS,
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
      KafkaErrorCode.REQUEST_TIMED_OUT,
      KafkaErrorCode.NOT_ENOUGH_REPLICAS,
    ]),
  );
  await phase('coordinator moved to broker 3', () => broker.setCoordinator(group, 3));
  await phase(
    'RTT 500 ms on every broker',
    async () => {
      for (let id = 1; id <= 3; id++) await broker.setRtt(id, 500);
    },
    async () => {
      for (let id = 1; id <= 3; id++) await broker.setRtt(id, 0);
    },
  );
}

export function brokerFaults(): AppScenarioPlan {
  return {
    label: 'broker faults (down/up, commit+produce errors, coordinator moved, RTT 500 ms)',
    brokers: 3,
    kills: () => 0,
    body: async (s, notes, ctx) => {
      for (let n = 1; n <= ctx.instances; n++) s.member(`m${n}`, {}, `m${n}`);
      await s.waitBalanced(ctx.convergeMs);
      const phaseMs = Math.max(1000, ctx.durationMs / 10);
      const done: string[] = [];
      const phase: FaultPhase = async (what, start, end) => {
        await start();
        await sleep(phaseMs);
        await end?.();
        await sleep(phaseMs);
        ctx.progress(what);
        done.push(what);
      };
      await producing(s, ctx, () => brokerFaultPhases(s.broker, s.group, phase));
      notes.push(`in turn, ${phaseMs} ms each and as long after: ${done.join('; ')}`);
    },
  };
}

/** Every 400th offset is held by the recorder before the handler runs: longer than max.poll.interval.ms if that is ≤ 20 s (else 30 s). */
export function slowHandler(maxPollIntervalMs: number): AppScenarioPlan {
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
