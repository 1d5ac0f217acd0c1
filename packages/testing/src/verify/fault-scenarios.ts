import { ApiKey, KafkaErrorCode } from '@tributary/broker';
import { type AppScenarioPlan, producing, sleep } from './app-scenario-support.js';

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
      const phase = async (what: string, start: () => Promise<void>, end?: () => Promise<void>) => {
        await start();
        await sleep(phaseMs);
        await end?.();
        await sleep(phaseMs);
        ctx.progress(what);
        done.push(what);
      };
      const errors = (codes: number[]) => [...codes, ...codes];
      await producing(s, ctx, async () => {
        await phase(
          'broker 2 down, then up',
          () => s.broker.setBrokerDown(2),
          () => s.broker.setBrokerUp(2),
        );
        await phase('6 OffsetCommit errors', () =>
          s.broker.injectErrors(
            ApiKey.OffsetCommit,
            errors([
              KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
              KafkaErrorCode.REQUEST_TIMED_OUT,
              KafkaErrorCode.NOT_COORDINATOR,
            ]),
          ),
        );
        await phase('6 Produce errors', () =>
          s.broker.injectErrors(
            ApiKey.Produce,
            errors([
              KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
              KafkaErrorCode.REQUEST_TIMED_OUT,
              KafkaErrorCode.NOT_ENOUGH_REPLICAS,
            ]),
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
