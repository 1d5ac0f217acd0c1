import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '@tributary/testing/verify';
import { crashScenario } from '../reliability/scenarios/crash.js';
import { poisonScenario } from '../reliability/scenarios/poison.js';
import { scaleScenario } from '../reliability/scenarios/scale.js';

// Quick versions of reliability scenarios 1, 3 and 5 (smaller counts, Tributary only) inside
// `npm test`: they fail on any loss and on a duplicate after a graceful rebalance. The full suite,
// with the naive baseline and the results table, is `npm run test:reliability`.

function assertHeld({ row, diagnostics }: RunResult): void {
  const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
  assert.deepEqual(failed, [], `${JSON.stringify(row.measurement)}\n${row.notes.join('\n')}\n${diagnostics}`);
}

test('scenario 1 (quick): scale 1→3→1 while producing, cooperative: nothing lost, nothing processed twice', async () => {
  assertHeld(
    await scaleScenario({
      contender: 'tributary',
      protocol: 'cooperative',
      maxMembers: 3,
      perSecond: 2000,
      dwellMs: 1000,
    }),
  );
});

test('scenario 3 (quick): SIGKILL ×2 mid-stream: nothing lost, redeliveries within the configured window, no duplicate effect', async () => {
  assertHeld(await crashScenario({ contender: 'tributary', kills: 2, perSecond: 1500 }));
});

test('scenario 5 (quick): 1 % poison and invalid records all reach the DLQ with their errors, the rest are processed once', async () => {
  assertHeld(await poisonScenario({ contender: 'tributary', count: 3000, perSecond: 3000 }));
});
