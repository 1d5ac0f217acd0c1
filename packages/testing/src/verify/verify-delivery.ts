import { resolve } from 'node:path';
import type { GroupDescription } from '@tributary/core';
import type { Measurement } from './analysis.js';
import { type AppRunContext, appScenario, VERIFY_SCENARIOS, type VerifyScenario } from './app-scenarios.js';
import { crashDuplicateBound, DEFAULT_EXPECTATIONS, type Expectations, verifyChecks } from './expectations.js';
import { type MessageFactory, messageSource, VerifyInputError } from './messages.js';
import { probeApp } from './probe.js';
import { allHeld, type ResultRow, resultsMarkdown } from './report.js';
import { runScenario } from './run.js';

export interface VerifyOptions {
  /**
   * The app's entry module, run as `node <app>` in each instance: a script that builds its app with
   * `TributaryApp.create(…)` and starts it (your `dist/main.js`), stopping gracefully on SIGTERM.
   */
  app: string;
  /** The app's name in the report (default: `app` as given). */
  label?: string;
  scenarios?: readonly VerifyScenario[];
  /** Instances (processes) of the app; default 3. */
  instances?: number;
  /** How long each scenario's faults and production go on; default 60 s. */
  durationMs?: number;
  /** Messages per second; default 500. */
  rate?: number;
  /** Generated events by default; or a JSONL file, a module exporting a factory, or a factory. */
  messages?: string | MessageFactory;
  /** Partitions of each topic; default 6. */
  partitions?: number;
  /** Environment of every instance (`{instance}` in a value becomes the instance's name: m1, m2, …). */
  env?: Record<string, string>;
  /** Start a throwaway redis-server; the instances get REDIS_URL. */
  redis?: boolean;
  expect?: Partial<Expectations>;
  /**
   * For an app not built on TributaryApp (it records itself, see `recordHandled`): its group and
   * topics (and settings for the crash bound). TributaryApp apps are probed instead.
   */
  group?: Partial<GroupDescription> & Pick<GroupDescription, 'groupId' | 'topics'>;
  /** How long to wait after a scenario for everything to be handled and committed; default 120 s. */
  settleMs?: number;
  /** Where each run's logs go (kept when it fails). */
  workDir?: string;
  /** Progress lines while it runs. */
  onProgress?: (line: string) => void;
}

export interface VerifyReport {
  app: string;
  group: GroupDescription;
  rows: ResultRow[];
  /** Every expectation of every scenario held. */
  ok: boolean;
  /** The results table and notes. */
  markdown: string;
  /** The whole report: a title, the app's settings and the run's sizes, then `markdown`. */
  document: string;
}

const EMPTY: Measurement = {
  produced: 0,
  invalid: 0,
  lost: 0,
  rawDuplicates: 0,
  crashDuplicates: 0,
  gracefulDuplicates: 0,
  effectDuplicates: 0,
  crashWindowEffects: 0,
  effectsRecorded: 0,
  keyOrderViolations: 0,
  partitionOrderViolations: 0,
  maxPauseMs: 0,
  maxPauseAnyMs: 0,
  finalLag: 0,
  skippedByRetention: 0,
  resetsReported: 0,
  deadLettered: 0,
  droppedInvalid: 0,
  rebalanceEvents: 0,
};

function describeOf(given: NonNullable<VerifyOptions['group']>): GroupDescription {
  return {
    ordering: 'partition',
    concurrency: 1,
    maxInFlight: 1000,
    commitIntervalMs: 5000,
    rebalanceProtocol: 'cooperative',
    groupProtocol: 'classic',
    sessionTimeoutMs: 45_000,
    maxPollIntervalMs: 300_000,
    ...given,
  };
}

/**
 * Runs the user's app through reliability scenarios on the embedded broker (its own process) and
 * counts, from what the instances recorded, the broker acknowledged and the group committed: lost,
 * duplicates (crash-caused vs graceful), order violations, final lag, DLQ'd, pauses, rebalances.
 */
export async function verifyDelivery(options: VerifyOptions): Promise<VerifyReport> {
  const app = resolve(options.app);
  const label = options.label ?? options.app;
  const env = options.env ?? {};
  const progress = options.onProgress ?? (() => {});
  const scenarios = options.scenarios ?? VERIFY_SCENARIOS;
  for (const name of scenarios)
    if (!VERIFY_SCENARIOS.includes(name))
      throw new VerifyInputError(`unknown scenario "${name}" (known: ${VERIFY_SCENARIOS.join(', ')})`);
  const group = options.group ? describeOf(options.group) : ((await probeApp(app, env))[0] as GroupDescription);
  if (group.topics.some((t) => /[\^$*\\]/.test(t)))
    throw new VerifyInputError(
      `group ${group.groupId} subscribes by pattern (${group.topics.join(', ')}): name its topics`,
    );
  progress(
    `app ${label}: group ${group.groupId}, topics ${group.topics.join(', ')}, ordering ${group.ordering}, maxInFlight ${group.maxInFlight}, commit every ${group.commitIntervalMs} ms`,
  );
  const expectations = { ...DEFAULT_EXPECTATIONS, ...options.expect };
  const rate = options.rate ?? 500;
  const ctx: AppRunContext = {
    instances: options.instances ?? 3,
    durationMs: options.durationMs ?? 60_000,
    rate,
    build: messageSource(options.messages),
    convergeMs: group.sessionTimeoutMs + 45_000,
    maxPollIntervalMs: group.maxPollIntervalMs,
    progress,
  };
  const rows: ResultRow[] = [];
  for (const name of scenarios) {
    const plan = appScenario(name, ctx);
    const started = Date.now();
    progress(`${name}: starting (${ctx.instances} instances, ${ctx.durationMs / 1000} s, ${rate} msg/s)`);
    let row: ResultRow;
    try {
      const result = await runScenario({
        scenario: `${name}: ${plan.label}`,
        options: {
          name: `verify-${name}`,
          label,
          entry: app,
          group: group.groupId,
          topics: group.topics,
          partitions: options.partitions ?? 6,
          brokers: plan.brokers ?? 1,
          extraTopics: group.topics.map((t) => `${t}.dlq`),
          redis: options.redis,
          env: { ...env, ...plan.env },
          workDir: options.workDir,
        },
        settleMs: options.settleMs ?? 120_000,
        dlq: plan.badRecords,
        body: (s, notes) => plan.body(s, notes, { ...ctx, progress: (t) => progress(`${name}: ${t}`) }),
        expect: (m, s) => {
          // A process that died on its own, or did not exit 0 on SIGTERM, ended abruptly: its repeats
          // would pass as crash-caused, so it must be one the kit killed. One stopped while it was still
          // starting (nothing recorded but its app) never consumed: not counted.
          const abrupt = s.members
            .filter((member) => member.crashed && s.linesOf(member.name).some((l) => l.ev !== 'app'))
            .map((member) => member.name);
          return [
            ...verifyChecks(m, expectations, { group, rate, kills: plan.kills(), badRecords: !!plan.badRecords }),
            {
              name: `processes ended abruptly ${abrupt.length} = SIGKILLs ${plan.kills()}${abrupt.length > plan.kills() ? ` (${abrupt.join(', ')})` : ''}`,
              ok: abrupt.length === plan.kills(),
            },
          ];
        },
      });
      row = result.row;
      const kills = plan.kills();
      if (kills > 0 && expectations.crashDuplicatesPerKill === 'auto')
        row.notes.push(
          `crash-duplicate bound ${kills} × ${crashDuplicateBound(group, rate)} (maxInFlight ${group.maxInFlight} + 2 × commit interval ${group.commitIntervalMs} ms at ${rate} msg/s)`,
        );
    } catch (err) {
      row = {
        scenario: `${name}: ${plan.label}`,
        consumer: label,
        measurement: EMPTY,
        durationMs: Date.now() - started,
        checks: [{ name: `scenario ran to the end (${(err as Error).message.slice(0, 300)})`, ok: false }],
        notes: [],
      };
    }
    rows.push(row);
    const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
    const m = row.measurement;
    progress(
      `${name}: ${failed.length === 0 ? 'held' : `FAILED: ${failed.join('; ')}`} (produced ${m.produced}, lost ${m.lost}, duplicates ${m.rawDuplicates}, lag ${m.finalLag})`,
    );
  }
  const markdown = resultsMarkdown(rows);
  const document = [
    `# tributary verify ${label}`,
    '',
    `Written ${new Date().toISOString()}. Group ${group.groupId} (ordering ${group.ordering}, maxInFlight ${group.maxInFlight}, ` +
      `commit interval ${group.commitIntervalMs} ms, session ${group.sessionTimeoutMs} ms${group.groupInstanceId ? ', static membership' : ''}); ` +
      `${ctx.instances} instances, ${rate} msg/s, ${ctx.durationMs / 1000} s a scenario, ${options.partitions ?? 6} partitions a topic.`,
    '',
    markdown,
  ].join('\n');
  return { app: label, group, rows, ok: allHeld(rows), markdown, document };
}
