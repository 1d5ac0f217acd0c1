import { join } from 'node:path';
import { type Check, type RunResult, type RunSpec, runScenario, type ScenarioOptions } from '@tributary/testing/verify';

/**
 * The project's own reliability suite on the verify kit (@tributary/testing/verify): the same
 * Scenario, producer, analysis and report `tributary verify` uses, with two consumer fixtures as
 * the "apps" — Tributary's (recorded by the kit's injected middleware) and the naive baseline
 * (a KafkaJS-style consumer that records itself).
 */
export type Contender = 'tributary' | 'naive';

/** Where the results table goes; scenario logs go to `tmp/` below it (git-ignored). */
export const RESULTS_DIR = join(__dirname, '..', '..', 'reliability', 'results');
const FIXTURES = join(__dirname, '..', 'fixtures');
const ENTRY: Record<Contender, string> = {
  tributary: join(FIXTURES, 'reliability-consumer.js'),
  naive: join(FIXTURES, 'reliability-naive.js'),
};

/**
 * Settings of a consumer process (environment of the fixtures), the same keys for both contenders
 * (the naive one ignores what it has no notion of: idempotency, DLQ, in-flight bounds).
 */
export interface ConsumerEnv {
  ORDERING?: 'partition' | 'key' | 'unordered';
  /** Classic protocol assignor family: 'eager' (range/roundrobin) or 'cooperative' (cooperative-sticky). */
  PROTOCOL?: 'eager' | 'cooperative';
  GROUP_PROTOCOL?: 'classic' | 'consumer';
  /** Static membership: `group.instance.id`. */
  STATIC_ID?: string;
  SESSION_MS?: string;
  HEARTBEAT_MS?: string;
  MAX_POLL_MS?: string;
  /** Handler time per message (0: one event-loop turn). */
  DELAY_MS?: string;
  /** Every SLOW_EVERY-th event (n % SLOW_EVERY === SLOW_EVERY - 1) takes SLOW_MS instead. */
  SLOW_EVERY?: string;
  SLOW_MS?: string;
  MAX_IN_FLIGHT?: string;
  CONCURRENCY?: string;
  COMMIT_MS?: string;
  IDEMPOTENCY?: 'redis' | 'memory' | 'off';
  LEASE_MS?: string;
  DLQ?: '1' | '0';
  RETRIES?: string;
  TOPICS?: string;
  LOG_LEVEL?: string;
}

export interface SuiteScenarioOptions {
  /** Scenario id, e.g. 's1-scale-eager'. */
  name: string;
  contender: Contender;
  partitions?: number;
  brokers?: number;
  redis?: boolean;
  env?: ConsumerEnv;
  /** Topics besides `events` (same partition count). */
  extraTopics?: string[];
  producerConfig?: Record<string, string | number | boolean>;
}

/** The kit's options for one contender: its fixture, its group `<name>-<contender>`, the results dir. */
export function scenarioOptions(o: SuiteScenarioOptions): ScenarioOptions {
  const group = `${o.name}-${o.contender}`;
  return {
    name: group,
    label: o.contender,
    entry: ENTRY[o.contender],
    record: o.contender === 'tributary',
    group,
    topics: ['events'],
    partitions: o.partitions,
    brokers: o.brokers,
    redis: o.redis,
    extraTopics: o.extraTopics,
    producerConfig: o.producerConfig,
    env: { GROUP: group, ...o.env },
    workDir: join(RESULTS_DIR, 'tmp'),
  };
}

export interface SuiteRunSpec extends Omit<RunSpec, 'options'> {
  options: SuiteScenarioOptions;
}

/** Runs a suite scenario on the kit; DLQ checks and kept logs are Tributary's only. */
export function runSuiteScenario(spec: SuiteRunSpec): Promise<RunResult> {
  const tributary = spec.options.contender === 'tributary';
  return runScenario({
    ...spec,
    options: scenarioOptions(spec.options),
    dlq: spec.dlq && tributary,
    keepLogsOnFailure: tributary,
  });
}

export type { Check, RunResult };
