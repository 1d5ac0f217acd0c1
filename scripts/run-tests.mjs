#!/usr/bin/env node
// Runs every compiled test file in one `node --test` process tree, so there is a single summary
// at the end instead of one per workspace.
//
//   node scripts/run-tests.mjs [--reliability] [--<node test option>...] [--] [filter...]
//
// `npm test -- core` arrives here as a plain `core` argument (npm appends extra args to the script);
// filters keep only files whose path contains one of them. Other `--options` go to `node --test`
// (e.g. `npm test -- --test-name-pattern=rebalance`). `--reliability` runs ONLY test/dist/reliability.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RELIABILITY_DIR = join('test', 'dist', 'reliability');
const NODE_TEST_ARGS = ['--test', '--test-reporter=spec'];
// Two files at a time for `npm test`; the reliability files one after another (each loads both cores,
// and their tables report pauses and convergence times).
const concurrencyArg = (reliability) => `--test-concurrency=${reliability ? 1 : 2}`;
// node applies --test-timeout to each file as a whole: 10 min bounds any suite of `npm test`; the
// reliability suite's largest file has ~18 scenario runs (about 25 minutes on 2 cores; the
// notification service's `tributary verify` run adds about 8).
const timeoutArg = (reliability) => `--test-timeout=${reliability ? 5_400_000 : 600_000}`;

function parseArgs(argv) {
  const opts = { reliability: false, nodeArgs: [], filters: [] };
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--reliability') opts.reliability = true;
    else if (arg.startsWith('-')) opts.nodeArgs.push(arg);
    else opts.filters.push(arg);
  }
  return opts;
}

/** Recursively lists `*.test.js` under `dir` (paths relative to the repo root). Symlinks are not followed. */
function findTests(dir, out = []) {
  if (!existsSync(join(ROOT, dir))) return out;
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') findTests(path, out);
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

/** `<workspaceGlob>/<name>/dist` directories, e.g. packages/core/dist. */
function distDirs(parent) {
  if (!existsSync(join(ROOT, parent))) return [];
  return readdirSync(join(ROOT, parent), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(parent, e.name, 'dist'));
}

function collectFiles({ reliability, filters }) {
  const isReliability = (f) => f === RELIABILITY_DIR || f.startsWith(RELIABILITY_DIR + sep);
  const files = reliability
    ? findTests(RELIABILITY_DIR)
    : [...distDirs('packages'), ...distDirs('apps'), join('test', 'dist'), join('bench', 'dist')] // bench: its unit tests only
        .flatMap((dir) => findTests(dir))
        .filter((f) => !isReliability(f));
  // Filters match on forward-slash paths so they read the same on every OS.
  const matches = (f) => filters.length === 0 || filters.some((q) => f.split(sep).join('/').includes(q));
  return files.filter(matches).sort();
}

const opts = parseArgs(process.argv.slice(2));
const files = collectFiles(opts);
const scope = opts.reliability ? 'reliability ' : '';
const filterNote = opts.filters.length ? ` matching ${opts.filters.map((f) => JSON.stringify(f)).join(' or ')}` : '';
if (files.length === 0) {
  console.error(`[test] error: no ${scope}test files${filterNote} (looked for dist/**/*.test.js; did the build run?)`);
  process.exit(1);
}
console.log(`[test] ${files.length} ${scope}test file${files.length === 1 ? '' : 's'}${filterNote}`);

const child = spawn(
  process.execPath,
  [...NODE_TEST_ARGS, concurrencyArg(opts.reliability), timeoutArg(opts.reliability), ...opts.nodeArgs, ...files],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
// Ctrl-C already reaches the child through the process group: just don't die before it reports.
// SIGTERM (e.g. a CI timeout) is sent to us alone, so pass it on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
