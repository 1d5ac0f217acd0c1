import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ResultsReport, type RunResult } from '@tributary/testing/verify';
import { type Contender, RESULTS_DIR } from './harness.js';
import { badInputScenario } from './scenarios/bad-input.js';
import { brokerFaultsScenario } from './scenarios/broker-faults.js';
import { crashScenario } from './scenarios/crash.js';
import { poisonScenario } from './scenarios/poison.js';
import { rollingRestartScenario } from './scenarios/rolling-restart.js';
import { scaleScenario } from './scenarios/scale.js';
import { slowHandlerScenario } from './scenarios/slow-handler.js';
import { stormScenario } from './scenarios/storm.js';

// `npm run test:reliability`: every scenario of the reliability suite for Tributary and for the
// naive baseline, side by side in test/reliability/results/latest.{md,json}. Tributary's promises
// are asserted; the naive consumer's rows are measured and reported, never asserted (it is expected
// to lose and duplicate — that is the comparison).

const report = new ResultsReport({
  dir: RESULTS_DIR,
  source:
    "Produced by `npm run test:reliability` (test/src/reliability, on @tributary/testing's verify kit); every number is measured\n" +
    "from what the consumers recorded, the producer's delivery reports and the broker's offsets — see test/src/reliability/README.md.",
});
after(() => {
  report.write();
  process.stderr.write(`\n[reliability] results: test/reliability/results/latest.md\n${report.rows.length} rows\n`);
});

const scenarios: Array<[string, (contender: Contender) => Promise<RunResult>]> = [
  [
    '1 scale (eager)',
    (c) => scaleScenario({ contender: c, protocol: 'eager', maxMembers: 5, perSecond: 5000, dwellMs: 2000 }),
  ],
  [
    '1 scale (cooperative)',
    (c) => scaleScenario({ contender: c, protocol: 'cooperative', maxMembers: 5, perSecond: 5000, dwellMs: 2000 }),
  ],
  ['2 rolling restart (static)', (c) => rollingRestartScenario({ contender: c, perSecond: 1000 })],
  ['3 SIGKILL ×5', (c) => crashScenario({ contender: c, kills: 5, perSecond: 2000 })],
  [
    '4 rebalance storm',
    (c) => stormScenario({ contender: c, protocol: 'cooperative', durationMs: 60_000, everyMs: 2000, perSecond: 2000 }),
  ],
  ['5 poison 1 %', (c) => poisonScenario({ contender: c, count: 20_000, perSecond: 4000 })],
  ['6 broker faults', (c) => brokerFaultsScenario({ contender: c, perSecond: 1000, phaseMs: 4000 })],
  ['7 slow handler', (c) => slowHandlerScenario({ contender: c, count: 4000, perSecond: 500 })],
  ['8 bad input', (c) => badInputScenario({ contender: c, count: 2000, perSecond: 500 })],
];

for (const [name, run] of scenarios) {
  describe(`scenario ${name}`, () => {
    for (const contender of ['tributary', 'naive'] as const) {
      test(contender, async () => {
        const { row, diagnostics } = await run(contender);
        report.add(row);
        const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
        process.stderr.write(
          `[reliability] ${row.scenario} / ${contender}: ${failed.length === 0 ? 'all expectations held' : `missed: ${failed.join('; ')}`}\n`,
        );
        if (contender === 'tributary') {
          assert.deepEqual(failed, [], `${JSON.stringify(row.measurement)}\n${row.notes.join('\n')}\n${diagnostics}`);
        }
      });
    }
  });
}
