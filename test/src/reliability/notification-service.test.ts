import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { serviceMain } from '@tributary/notification-service';
import { verifyDelivery } from '@tributary/testing/verify';
import { RESULTS_DIR } from './harness.js';

// `npm run test:reliability`: the notification service (apps/notification-service) through every
// scenario of the verify kit, as a user would run `tributary verify` on their app; the report is
// test/reliability/results/notification-service.md (and .json). Its promises are asserted.

const ROOT = join(__dirname, '..', '..', '..');

test('notification service: tributary verify, every scenario', async () => {
  const report = await verifyDelivery({
    app: serviceMain,
    label: relative(ROOT, serviceMain),
    messages: join(dirname(serviceMain), 'verify-messages.js'),
    // One HTTP port per instance, and static membership under the instance's own name.
    env: { HTTP_PORT: '0', INSTANCE_ID: '{instance}', LOG_LEVEL: 'warn' },
    redis: true,
    instances: 3,
    durationMs: 30_000,
    rate: 500,
    workDir: join(RESULTS_DIR, 'tmp'),
    onProgress: (line) => process.stderr.write(`[verify] ${line}\n`),
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'notification-service.md'), report.document);
  writeFileSync(
    join(RESULTS_DIR, 'notification-service.json'),
    `${JSON.stringify({ ok: report.ok, group: report.group, rows: report.rows }, null, 2)}\n`,
  );
  const failed = report.rows.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.scenario}: ${c.name}`));
  assert.deepEqual(failed, []);
});
