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
    // No idempotency in this app: its effects are at-least-once, so a crash repeats some (the default
    // expectation, 0, would fail it — rightly, for an app that promises exactly-once effects).
    expect: { effectDuplicates: 1600 },
  });
  const row = report.rows[0];
  assert.ok(row);
  const m = row.measurement;
  assert.equal(report.ok, true, `${row.checks.filter((c) => !c.ok).map((c) => c.name)}\n${row.notes.join('\n')}`);
  assert.equal(m.lost, 0);
  assert.equal(m.gracefulDuplicates, 0);
  // No idempotency: every redelivery repeats its effect (and a kill between an effect and its outcome
  // line repeats an effect whose first run was never recorded as handled).
  assert.ok(
    m.effectDuplicates >= m.crashDuplicates,
    `effects ${m.effectDuplicates}, crash duplicates ${m.crashDuplicates}`,
  );
  assert.match(row.notes.join('\n'), /SIGKILLed m\d/);
  assert.match(
    row.notes.join('\n'),
    /crash-duplicate bound 1 × 1600 \(maxInFlight 1000 \+ 2 × commit interval 1000 ms at 300 msg\/s\)/,
  );
});
