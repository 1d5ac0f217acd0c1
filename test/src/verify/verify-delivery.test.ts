import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyDelivery } from '@tributary/testing/verify';

// verifyDelivery (the API under `tributary verify`) on the embedded broker: SIGKILLed instances of a
// correct app. What they had handled but not committed runs again — counted as crash duplicates,
// within the bound from the app's own maxInFlight and commit interval — and nothing is lost. Static
// membership (INSTANCE_ID={instance}) lets each restarted instance take its partitions back at once.

test('verifyDelivery: SIGKILL of a correct app: crash duplicates only, within the bound from its settings; nothing lost', async () => {
  const report = await verifyDelivery({
    app: join(__dirname, '..', 'fixtures', 'verify-apps', 'correct-app.js'),
    scenarios: ['sigkill'],
    instances: 2,
    durationMs: 10_000,
    rate: 300,
    env: { INSTANCE_ID: '{instance}' },
  });
  const row = report.rows[0];
  assert.ok(row);
  const m = row.measurement;
  assert.equal(report.ok, true, `${row.checks.filter((c) => !c.ok).map((c) => c.name)}\n${row.notes.join('\n')}`);
  assert.equal(m.lost, 0);
  assert.equal(m.gracefulDuplicates, 0);
  assert.equal(m.effectDuplicates, m.rawDuplicates, 'the app has no idempotency: every redelivery repeats its effect');
  assert.match(row.notes.join('\n'), /SIGKILLed m\d/);
  assert.match(
    row.notes.join('\n'),
    /crash-duplicate bound 1 × 1600 \(maxInFlight 1000 \+ 2 × commit interval 1000 ms at 300 msg\/s\)/,
  );
});
