import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from './analysis.js';

export interface ResultRow {
  /** Scenario and variant, e.g. '1 scale 1→5→1 (eager)'. */
  scenario: string;
  /** What ran: 'tributary', 'naive', an app's name. */
  consumer: string;
  measurement: Measurement;
  durationMs: number;
  /** What the scenario expects and whether it held. */
  checks: { name: string; ok: boolean }[];
  notes: string[];
}

const COLUMNS = [
  'produced',
  'lost',
  'raw duplicates (crash / graceful)',
  'effect duplicates',
  'order violations (key / partition)',
  'max pause (ms)',
  'final lag',
  'skipped by retention',
  'invalid → DLQ',
  'rebalances',
] as const;

function cells(m: Measurement): string[] {
  return [
    String(m.produced),
    String(m.lost),
    m.rawDuplicates === 0 ? '0' : `${m.rawDuplicates} (${m.crashDuplicates} / ${m.gracefulDuplicates})`,
    m.effectsRecorded === 0
      ? '–'
      : m.crashWindowEffects === 0
        ? String(m.effectDuplicates)
        : `${m.effectDuplicates} (${m.crashWindowEffects} killed between effect and done)`,
    `${m.keyOrderViolations} / ${m.partitionOrderViolations}`,
    m.maxPauseMs === m.maxPauseAnyMs ? String(m.maxPauseMs) : `${m.maxPauseMs} (moved: ${m.maxPauseAnyMs})`,
    String(m.finalLag),
    `${m.skippedByRetention}${m.resetsReported > 0 ? ` (${m.resetsReported} resets reported)` : ''}`,
    m.invalid === 0
      ? '–'
      : `${m.deadLettered}/${m.invalid}${m.droppedInvalid > 0 ? ` (${m.droppedInvalid} dropped)` : ''}`,
    String(m.rebalanceEvents),
  ];
}

/** Whether every expectation of every row held. */
export const allHeld = (rows: readonly ResultRow[]): boolean => rows.every((r) => r.checks.every((c) => c.ok));

/** The results table (one row per scenario run) and the notes, as markdown. */
export function resultsMarkdown(rows: readonly ResultRow[]): string {
  const header = `| scenario | consumer | ${COLUMNS.join(' | ')} | time (s) | expectations |`;
  const rule = `|${' --- |'.repeat(COLUMNS.length + 4)}`;
  const body = rows.map((r) => {
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    const verdict = r.checks.length === 0 ? '–' : failed.length === 0 ? 'all held' : `**failed:** ${failed.join('; ')}`;
    return `| ${r.scenario} | ${r.consumer} | ${cells(r.measurement).join(' | ')} | ${(r.durationMs / 1000).toFixed(0)} | ${verdict} |`;
  });
  const notes = rows.flatMap((r) => r.notes.map((n) => `- **${r.scenario}, ${r.consumer}:** ${n}`));
  return [header, rule, ...body, '', ...(notes.length > 0 ? ['## Notes', '', ...notes, ''] : [])].join('\n');
}

export interface ReportOptions {
  /** Where `latest.md` and `latest.json` go. */
  dir: string;
  title?: string;
  /** A line naming what produced the report. */
  source?: string;
}

/**
 * A results report rewritten after every row, so a partial run still leaves a table:
 * `<dir>/latest.md` and `<dir>/latest.json`.
 */
export class ResultsReport {
  readonly rows: ResultRow[] = [];
  private readonly startedAt = new Date();

  constructor(private readonly options: ReportOptions) {}

  add(row: ResultRow): void {
    this.rows.push(row);
    this.write();
  }

  write(): void {
    mkdirSync(this.options.dir, { recursive: true });
    writeFileSync(join(this.options.dir, 'latest.json'), `${JSON.stringify(this.json(), null, 2)}\n`);
    writeFileSync(join(this.options.dir, 'latest.md'), this.markdown());
  }

  json() {
    return { ...this.meta(), rows: this.rows };
  }

  markdown(): string {
    const meta = this.meta();
    return [
      `# ${this.options.title ?? 'Reliability results'}`,
      '',
      `Run started ${meta.startedAt}, written ${meta.writtenAt}; node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}.`,
      ...(this.options.source ? [this.options.source] : []),
      '',
      resultsMarkdown(this.rows),
    ].join('\n');
  }

  private meta() {
    return {
      startedAt: this.startedAt.toISOString(),
      writtenAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    };
  }
}
