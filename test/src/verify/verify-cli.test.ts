import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ResultRow } from '@tributary/testing/verify';
import { tributary } from '../cli/cli-support.js';

// `tributary verify` on the embedded broker, as a user runs it: a correct TributaryApp passes, an app
// that commits nothing is caught (duplicates after a graceful rebalance, lag never back to 0) and the
// command exits 1. Small runs (2 instances, 6 s at 300 msg/s); the apps use their clients' defaults.

const apps = join(__dirname, '..', 'fixtures', 'verify-apps');
const short = ['--scenario', 'scale', '--instances', '2', '--duration', '6', '--rate', '300'];

interface JsonReport {
  ok: boolean;
  group: { groupId: string; ordering: string; maxInFlight: number };
  rows: ResultRow[];
}

test('tributary verify passes a correct TributaryApp: nothing lost, nothing twice, lag 0, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-correct-'));
  const report = join(dir, 'report.md');
  const run = await tributary(
    ['verify', '--app', join(apps, 'correct-app.js'), ...short, '--json', '--report', report],
    240_000,
  );
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as JsonReport;
  // Probed from the app itself: its group and the settings the crash bound is computed from.
  assert.equal(json.group.groupId, 'orders-service');
  assert.equal(json.group.ordering, 'key');
  const m = (json.rows[0] as ResultRow).measurement;
  assert.ok(m.produced > 500, `produced ${m.produced}`);
  assert.equal(m.lost, 0);
  assert.equal(m.rawDuplicates, 0);
  assert.equal(m.finalLag, 0);
  assert.ok(m.effectsRecorded >= m.produced, 'the app recorded its effects (recordEffect)');
  assert.equal(m.effectDuplicates, 0);
  assert.match(run.stderr, /\[verify +\d+ s\] scale: scaled out to 2/);
  assert.match(
    readFileSync(report, 'utf8'),
    /\| scale: scale 1→N→1 \| .*correct-app\.js \| \d+ \| 0 \| 0 \|.*all held \|/,
  );
});

test('tributary verify catches an app that commits nothing: graceful duplicates and final lag reported, exit 1', async () => {
  const run = await tributary(
    [
      'verify',
      '--app',
      join(apps, 'commits-nothing-app.js'),
      // Not a TributaryApp (it records itself): its group and topic are given.
      '--group',
      'broken-orders',
      '--topic',
      'orders',
      ...short,
      // It never commits, so the run cannot settle: do not wait the default 120 s for it.
      '--settle',
      '10',
      '--json',
    ],
    240_000,
  );
  assert.equal(run.code, 1, run.stderr);
  const json = JSON.parse(run.stdout) as JsonReport;
  assert.equal(json.ok, false);
  const row = json.rows[0] as ResultRow;
  assert.ok(row.measurement.gracefulDuplicates > 0, JSON.stringify(row.measurement));
  assert.equal(row.measurement.crashDuplicates, 0, 'nothing was killed');
  assert.equal(row.measurement.finalLag, row.measurement.produced, 'no offset was ever committed');
  const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
  assert.ok(
    failed.some((n) => n.startsWith('graceful duplicates')),
    failed.join('; '),
  );
  assert.ok(
    failed.some((n) => n.startsWith('final lag')),
    failed.join('; '),
  );
  assert.match(run.stderr, /a guarantee did not hold/);
});

test('tributary verify catches an auto-commit app whose handler does not await its work: a SIGKILL loses messages, exit 1', async () => {
  const run = await tributary(
    [
      'verify',
      '--app',
      join(apps, 'auto-commit-app.js'),
      '--group',
      'auto-commit-orders',
      '--topic',
      'orders',
      '--scenario',
      'sigkill',
      '--instances',
      '2',
      '--duration',
      '20',
      '--rate',
      '300',
      '--settle',
      '10',
      '--json',
    ],
    240_000,
  );
  assert.equal(run.code, 1, run.stderr);
  const json = JSON.parse(run.stdout) as JsonReport;
  const row = json.rows[0] as ResultRow;
  // Committed before its work ran: what was pending at the kill (and at the final stop) is gone.
  assert.ok(row.measurement.lost > 0, JSON.stringify(row.measurement));
  // It kept up: every offset was committed, so what is missing was lost, not left as lag.
  assert.equal(row.measurement.finalLag, 0, JSON.stringify(row.measurement));
  const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
  assert.ok(
    failed.some((n) => n.startsWith('lost')),
    failed.join('; '),
  );
  assert.match(run.stderr, /sigkill: killed m\d \(SIGKILL\)/);
});
