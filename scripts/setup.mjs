#!/usr/bin/env node
// One-shot, idempotent project setup: system packages -> node_modules -> compiled dist/.
// Runs before `npm test`, `npm run demo` and `npm run bench`, so on a fresh clone it does
// everything, and when everything is in place it must cost well under a second or two.
// Only node: built-ins here: node_modules may not exist yet when this runs.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFaithfulBroker } from './faithful-broker.mjs';
import { linkBins } from './link-bins.mjs';

// Headers for the librdkafka build (zlib, ssl, zstd, lz4, sasl, curl), patch (the embedded broker's
// coordinator, see faithful-broker.mjs) plus runtime tools used by the suites.
const APT_PACKAGES = [
  'patch',
  'zlib1g-dev',
  'libssl-dev',
  'libzstd-dev',
  'liblz4-dev',
  'libsasl2-dev',
  'libcurl4-openssl-dev',
  'redis-server',
  'chromium',
];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STATE_DIR = join(ROOT, '.tributary');
const LOCKFILE = join(ROOT, 'package-lock.json');
const STAMP = join(ROOT, 'node_modules', '.tributary-setup.json');
// npm ci "succeeds" even when an install script quietly produced nothing, so check the artifacts themselves.
const NATIVE_ARTIFACTS = [
  'node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node',
  'node_modules/@confluentinc/kafka-javascript/build/deps/librdkafka.so.1',
];
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const started = performance.now();

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[setup] ${line}`);
const fail = (line, code = 1) => {
  console.error(`[setup] FAILED: ${line}`);
  process.exit(code);
};

/** Prints the last lines of a log so a CI failure is diagnosable without fetching artifacts. */
function printTail(logPath, lines = 30) {
  const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  console.error(`[setup] --- last ${lines} lines of ${relative(ROOT, logPath)} ---`);
  console.error(text.trimEnd().split('\n').slice(-lines).join('\n'));
  console.error('[setup] ---');
}

/**
 * Runs a command with its output appended to a log file (not the terminal: npm ci and apt are
 * thousands of lines), printing an elapsed-time line every `tickSeconds` so CI doesn't look hung.
 */
function runLogged(cmd, args, { logPath, label, tickSeconds, env = process.env }) {
  mkdirSync(dirname(logPath), { recursive: true });
  const fd = openSync(logPath, 'a');
  writeFileSync(fd, `\n$ ${cmd} ${args.join(' ')}   # ${new Date().toISOString()}\n`);
  const t = performance.now();
  const timer = setInterval(
    () => say(`    … ${label} still running (${seconds(t)}, log: ${relative(ROOT, logPath)})`),
    tickSeconds * 1000,
  );
  return new Promise((resolve) => {
    // stdin ignored: nothing may prompt (CI has no stdin anyway).
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
    let settled = false; // 'error' and 'exit' can both fire
    const done = (code) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      closeSync(fd);
      resolve(code);
    };
    child.on('error', (err) => {
      writeFileSync(logPath, `${err.message}\n`, { flag: 'a' });
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/** Returns the subset of `packages` that dpkg does not report as installed, or null when there is no dpkg. */
function missingDebPackages(packages) {
  // One dpkg-query call for all packages; unknown ones go to stderr and make it exit 1, which is expected.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is dpkg-query's format syntax, not a JS template.
  const res = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...packages], { encoding: 'utf8' });
  if (res.error?.code === 'ENOENT') return null;
  const installed = new Set();
  for (const line of res.stdout.split('\n')) {
    const [name, ...status] = line.trim().split(/\s+/);
    // Status is "want error state"; only state "installed" counts ("config-files" etc. do not).
    if (name && status.at(-1) === 'installed') installed.add(name.split(':')[0]);
  }
  return packages.filter((p) => !installed.has(p));
}

async function ensureSystemPackages() {
  if (process.env.TRIBUTARY_SKIP_APT === '1') return 'skipped (TRIBUTARY_SKIP_APT=1)';
  const missing = missingDebPackages(APT_PACKAGES);
  if (missing === null) {
    console.warn(
      `[setup] warning: no dpkg-query (not Debian?); make sure these are installed: ${APT_PACKAGES.join(' ')}`,
    );
    return 'unchecked (no dpkg)';
  }
  if (missing.length === 0) return 'already installed';
  if (process.getuid?.() !== 0) {
    const list = missing.join(' ');
    fail(
      `missing system packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`,
      2,
    );
  }
  say(`    installing ${missing.join(' ')} …`);
  const logPath = join(STATE_DIR, 'setup-apt.log');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { logPath, tickSeconds: 5, env };
  if ((await runLogged('apt-get', ['update'], { ...opts, label: 'apt-get update' })) !== 0) {
    printTail(logPath);
    fail('apt-get update');
  }
  const args = ['install', '-y', '--no-install-recommends', ...missing];
  const code = await runLogged('apt-get', args, { ...opts, label: 'apt-get install' });
  const stillMissing = missingDebPackages(missing) ?? [];
  if (code !== 0 || stillMissing.length > 0) {
    printTail(logPath);
    fail(`apt-get install (${stillMissing.join(' ') || `exit ${code}`})`);
  }
  return `installed ${missing.join(' ')}`;
}

function lockHash() {
  return createHash('sha256').update(readFileSync(LOCKFILE)).digest('hex');
}

/** Why node_modules must be (re)installed, or null when it is up to date. */
function installReason(hash) {
  if (!existsSync(join(ROOT, 'node_modules'))) return 'node_modules missing';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'no setup stamp';
  }
  if (stamp.lockHash !== hash) return 'package-lock.json changed';
  // The native addon is compiled against one Node ABI; a different node needs a rebuild.
  if (stamp.nodeAbi !== process.versions.modules)
    return `node ABI changed (${stamp.nodeAbi} -> ${process.versions.modules})`;
  const absent = NATIVE_ARTIFACTS.find((p) => !existsSync(join(ROOT, p)));
  return absent ? `missing ${absent}` : null;
}

async function ensureDependencies() {
  const hash = lockHash();
  const reason = installReason(hash);
  if (!reason) return 'up to date';
  say(`    npm ci (${reason}); the librdkafka native build takes about a minute …`);
  const logPath = join(STATE_DIR, 'setup-npm.log');
  // Dynamic linking against the system OpenSSL/SASL/zstd/lz4 from step 1 instead of bundled static copies.
  const env = { ...process.env, CKJS_LINKING: 'dynamic' };
  const code = await runLogged('npm', ['ci', '--no-audit', '--no-fund'], {
    logPath,
    label: 'npm ci',
    tickSeconds: 10,
    env,
  });
  const absent = NATIVE_ARTIFACTS.filter((p) => !existsSync(join(ROOT, p)));
  if (code !== 0 || absent.length > 0) {
    printTail(logPath);
    fail(code !== 0 ? `npm ci exited with ${code}` : `npm ci did not produce ${absent.join(', ')}`);
  }
  // Written only after a complete, verified install, so an interrupted one is retried next time.
  writeFileSync(
    STAMP,
    `${JSON.stringify({ lockHash: hash, nodeAbi: process.versions.modules, at: new Date().toISOString() }, null, 2)}\n`,
  );
  return `installed (${reason})`;
}

/** The embedded broker's Kafka-faithful group coordinator, built into the binding's librdkafka. */
async function faithfulBroker() {
  const logPath = join(STATE_DIR, 'setup-broker.log');
  const run = (cmd, args, label) => runLogged(cmd, args, { logPath, label, tickSeconds: 10 });
  try {
    return await ensureFaithfulBroker(ROOT, run);
  } catch (err) {
    printTail(logPath);
    fail(err.message);
  }
}

async function build() {
  if (!existsSync(TSC)) fail('node_modules/.bin/tsc not found (is typescript in devDependencies?)');
  // tsc -b is incremental over the project references: a no-op build only stats files.
  const res = spawnSync(TSC, ['-b'], { cwd: ROOT, encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    console.error(`${res.stdout ?? ''}${res.stderr ?? ''}${res.error?.message ?? ''}`.trimEnd());
    fail(`tsc -b exited with ${res.status ?? res.error?.code}`);
  }
  linkBins(ROOT);
  return 'ok';
}

const steps = [
  ['system packages', ensureSystemPackages],
  ['dependencies', ensureDependencies],
  ['embedded broker (Kafka-faithful coordinator)', faithfulBroker],
  ['build (tsc -b)', build],
];
for (const [i, [name, run]] of steps.entries()) {
  const t = performance.now();
  const result = await run();
  say(`${i + 1}/${steps.length} ${name} … ${result} (${seconds(t)})`);
}
say(`ready in ${seconds(started)}`);
