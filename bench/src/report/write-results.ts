import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadResult } from '../workloads/types.js';
import { renderMarkdown } from './markdown.js';
import type { RunInfo } from './run-info.js';
import { evaluateTargets } from './targets.js';

/** bench/results, next to dist/ (this file runs from bench/dist/report). */
export const RESULTS_DIR = join(__dirname, '..', '..', 'results');

/**
 * A full run writes `latest.md` + `latest.json` and a timestamped copy of both under `history/`.
 * A quick or partial run (--quick, --only, --workloads) writes to `tmp/` (not committed), so it
 * never replaces the full run's record.
 */
export async function writeResults(
  info: RunInfo,
  results: readonly WorkloadResult[],
  root = RESULTS_DIR,
): Promise<string[]> {
  const targets = evaluateTargets(results);
  const markdown = renderMarkdown(info, results, targets);
  const json = `${JSON.stringify({ ...info, targets, workloads: results }, null, 2)}\n`;
  const full = !info.partial && !info.plan.quick;
  const dir = full ? root : join(root, 'tmp');
  const base = full ? 'latest' : info.plan.quick ? 'quick' : 'partial';
  await mkdir(join(dir, 'history'), { recursive: true });
  const stamp = info.startedAt.replace(/[:.]/g, '-');
  const files = [
    join(dir, `${base}.md`),
    join(dir, `${base}.json`),
    join(dir, 'history', `${stamp}.md`),
    join(dir, 'history', `${stamp}.json`),
  ];
  await Promise.all(files.map((file, i) => writeFile(file, i % 2 === 0 ? markdown : json)));
  return files;
}
