import type { Measurement } from './analysis.js';
import { commitRegressions } from './commit-order.js';
import type { ResultRow } from './report.js';
import { Scenario, type ScenarioOptions } from './scenario.js';

export interface Check {
  name: string;
  ok: boolean;
}

export interface RunSpec {
  /** The row label, e.g. '1 scale 1→5→1 (eager)'. */
  scenario: string;
  options: ScenarioOptions;
  /** Drives the scenario: members, production, faults. Notes go to the report. */
  body: (s: Scenario, notes: string[]) => Promise<void>;
  /** How long to wait after `body` for every record to be processed and committed. */
  settleMs: number;
  /** Look for the invalid records in `<topic>.dlq` (with Tributary's DLQ headers). */
  dlq?: boolean;
  /** The scenario's promises. */
  expect: (m: Measurement, s: Scenario) => Check[];
  /** Keep the run's logs when an expectation failed (default true). */
  keepLogsOnFailure?: boolean;
}

export interface RunResult {
  row: ResultRow;
  /** Member output tails, for assertion messages. */
  diagnostics: string;
}

/**
 * Runs one scenario end to end and measures it. Every process is killed in `finally`, whatever
 * happened; the work directory (member logs) is kept when the body threw or an expectation failed.
 */
export async function runScenario(spec: RunSpec): Promise<RunResult> {
  const s = await Scenario.start(spec.options);
  const notes: string[] = [];
  let keep = true;
  try {
    await spec.body(s, notes);
    const settled = await s.settle(spec.settleMs);
    if (!settled)
      notes.push(`did not settle within ${spec.settleMs} ms (${await s.unprocessed()} records without an outcome)`);
    const producer = await s.producer();
    if (producer.failed.length > 0)
      notes.push(`${producer.failed.length} produce requests failed: ${producer.failed[0]?.error}`);
    const invalid = [...producer.records.values()].filter((r) => r.kind !== 'valid').length;
    const dlq = spec.dlq ? await s.deadLettered(invalid) : new Set<string>();
    const measurement = await s.measure(dlq);
    // In every scenario: the group's committed offsets never moved backwards.
    const regressions = commitRegressions(s.lines());
    if (regressions.length > 0) notes.push(`committed offsets moved backwards: ${regressions.slice(0, 5).join('; ')}`);
    const checks = [
      ...spec.expect(measurement, s),
      { name: `committed offsets moved backwards ${regressions.length} times = 0`, ok: regressions.length === 0 },
    ];
    const row: ResultRow = {
      scenario: spec.scenario,
      consumer: s.label,
      measurement,
      durationMs: s.elapsedMs,
      checks,
      notes,
    };
    keep = checks.some((c) => !c.ok) && spec.keepLogsOnFailure !== false;
    return { row, diagnostics: s.diagnostics() };
  } finally {
    await s.cleanup(keep);
  }
}

/**
 * The usual promises: nothing lost, nothing run twice, everything committed. `crashWindowBound`:
 * how many effects a kill may repeat because it struck between an effect and its id being marked
 * done (kills × handlers running at once; 0 where nothing is killed); every other repeat fails.
 */
export function exactlyOnceChecks(m: Measurement, { raw = true, crashWindowBound = 0 } = {}): Check[] {
  return [
    { name: `lost ${m.lost} = 0`, ok: m.lost === 0 },
    ...(raw ? [{ name: `raw duplicates ${m.rawDuplicates} = 0`, ok: m.rawDuplicates === 0 }] : []),
    ...effectChecks(m, 0, crashWindowBound),
    { name: `final lag ${m.finalLag} = 0`, ok: m.finalLag === 0 },
    { name: `skipped by retention ${m.skippedByRetention} = 0`, ok: m.skippedByRetention === 0 },
  ];
}

/** Bad records: every one in the DLQ with its error (when `dlq`), none dropped with only a log line. */
export function deadLetterChecks(m: Measurement, { dlq = true } = {}): Check[] {
  return [
    ...(dlq
      ? [
          {
            name: `dead-lettered with error headers ${m.deadLettered} = invalid ${m.invalid}`,
            ok: m.deadLettered === m.invalid,
          },
        ]
      : []),
    { name: `invalid dropped silently ${m.droppedInvalid} = 0`, ok: m.droppedInvalid === 0 },
  ];
}

/**
 * Effect duplicates: those no kill explains must stay within `allowed`; those a kill inside an
 * effect's own window explains (`Measurement.crashWindowEffects`) within `crashWindowBound`.
 */
export function effectChecks(m: Measurement, allowed: number, crashWindowBound: number): Check[] {
  const unexplained = m.effectDuplicates - m.crashWindowEffects;
  return [
    { name: `effect duplicates no kill explains ${unexplained} ≤ ${allowed}`, ok: unexplained <= allowed },
    ...(m.crashWindowEffects > 0 || crashWindowBound > 0
      ? [
          {
            name: `effects repeated after a kill between effect and done ${m.crashWindowEffects} ≤ ${crashWindowBound}`,
            ok: m.crashWindowEffects <= crashWindowBound,
          },
        ]
      : []),
  ];
}
