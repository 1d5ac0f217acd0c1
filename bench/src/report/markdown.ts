import type { WorkloadResult } from '../workloads/types.js';
import { formatCell } from './cells.js';
import type { RunInfo } from './run-info.js';
import type { TargetResult } from './targets.js';

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function workloadTable(result: WorkloadResult): string {
  const header = ['contender', ...result.columns.map((c) => c.label), 'setup'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`,
  ];
  for (const row of result.rows) {
    const cells = row.error
      ? [`**could not run**: ${escapeCell(row.error)}`, ...result.columns.slice(1).map(() => '')]
      : result.columns.map((c) => formatCell(row.values[c.key], c.digits));
    lines.push(`| ${[row.contender, ...cells, escapeCell(row.setup)].join(' | ')} |`);
  }
  return lines.join('\n');
}

export function targetsTable(targets: readonly TargetResult[]): string {
  const lines = ['| target | measured | met? | margin |', '|---|---|---|---|'];
  for (const t of targets) {
    const met = t.met === undefined ? 'not measured' : t.met ? '**yes**' : '**NO**';
    lines.push(`| ${escapeCell(t.target)} | ${escapeCell(t.measured)} | ${met} | ${escapeCell(t.margin ?? '')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(
  info: RunInfo,
  results: readonly WorkloadResult[],
  targets: readonly TargetResult[],
): string {
  const m = info.machine;
  const out = [
    `# Benchmark results${info.partial ? ' (partial run)' : ''}`,
    '',
    `Run ${info.startedAt}, ${Math.round(info.durationSeconds)} s, \`node bench/dist/main.js ${info.args.join(' ')}\`.`,
    '',
    `Machine: ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; librdkafka ${m.librdkafka} (@confluentinc/kafka-javascript ${m.kafkaJavascript}); kafkajs ${m.kafkajs}; @nestjs/microservices ${m.nestjsMicroservices}. Load average (1 min) at start ${m.loadAverageAtStart}, at the end ${info.loadAverageAtEnd}: other processes on the 2 cores (test suites) make timings noisy.`,
    "The embedded broker (librdkafka's mock cluster) runs in its own process on the same machine; every contender runs in its own worker process, one at a time. Figures are median (min–max) of the repetitions.",
    '',
    '## Targets',
    '',
    targetsTable(targets),
    '',
  ];
  for (const result of results) {
    out.push(`## ${result.title}`, '', result.description, '', workloadTable(result), '');
    for (const note of result.notes) out.push(`- ${note}`);
    if (result.notes.length > 0) out.push('');
  }
  return out.join('\n');
}
