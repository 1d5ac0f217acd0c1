import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from './analysis.js';
import { type Contender, RESULTS_DIR } from './scenario.js';

export interface ResultRow {
  /** Scenario number and variant, e.g. '1 scale 1→5→1 (eager)'. */
  scenario: string;
  contender: Contender;
  measurement: Measurement;
  durationMs: number;
  /** What the scenario expects of this contender and whether it held (Tributary rows are asserted). */
  checks: { name: string; ok: boolean }[];
  notes: string[];
}

const COLUMNS = [
  'produced',
  'lost',
  'raw duplicates',
  'effect duplicates',
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
    String(m.rawDuplicates),
    String(m.effectDuplicates),
    m.maxPauseMs === m.maxPauseAnyMs ? String(m.maxPauseMs) : `${m.maxPauseMs} (moved: ${m.maxPauseAnyMs})`,
    String(m.finalLag),
    `${m.skippedByRetention}${m.resetsReported > 0 ? ` (${m.resetsReported} resets reported)` : ''}`,
    m.invalid === 0
      ? '–'
      : `${m.deadLettered}/${m.invalid}${m.droppedInvalid > 0 ? ` (${m.droppedInvalid} dropped)` : ''}`,
    String(m.rebalanceEvents),
  ];
}

/**
 * The results of one `npm run test:reliability` run, rewritten after every scenario so a partial
 * run still leaves a table: `latest.md` (scenario × {Tributary, naive}) and `latest.json`.
 */
export class ResultsReport {
  readonly rows: ResultRow[] = [];
  private readonly startedAt = new Date();

  constructor(private readonly dir = RESULTS_DIR) {}

  add(row: ResultRow): void {
    this.rows.push(row);
    this.write();
  }

  write(): void {
    mkdirSync(this.dir, { recursive: true });
    const meta = {
      startedAt: this.startedAt.toISOString(),
      writtenAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    };
    writeFileSync(join(this.dir, 'latest.json'), `${JSON.stringify({ ...meta, rows: this.rows }, null, 2)}\n`);
    writeFileSync(join(this.dir, 'latest.md'), this.markdown(meta));
  }

  private markdown(meta: {
    startedAt: string;
    writtenAt: string;
    node: string;
    cpus: number;
    cpuModel: string;
  }): string {
    const header = `| scenario | consumer | ${COLUMNS.join(' | ')} | time (s) | expectations |`;
    const rule = `|${' --- |'.repeat(COLUMNS.length + 4)}`;
    const body = this.rows.map((r) => {
      const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
      const verdict =
        r.checks.length === 0 ? '–' : failed.length === 0 ? 'all held' : `**failed:** ${failed.join('; ')}`;
      return `| ${r.scenario} | ${r.contender} | ${cells(r.measurement).join(' | ')} | ${(r.durationMs / 1000).toFixed(0)} | ${verdict} |`;
    });
    const notes = this.rows.flatMap((r) => r.notes.map((n) => `- **${r.scenario}, ${r.contender}:** ${n}`));
    return [
      '# Reliability results',
      '',
      `Run started ${meta.startedAt}, written ${meta.writtenAt}; node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}.`,
      "Produced by `npm run test:reliability` (test/src/reliability); every number is measured from the consumers' own logs,",
      "the producer's delivery reports and the broker's offsets — see test/src/reliability/README.md for definitions.",
      '',
      header,
      rule,
      ...body,
      '',
      ...(notes.length > 0 ? ['## Notes', '', ...notes, ''] : []),
    ].join('\n');
  }
}
