import {
  deadLetterChecks,
  eventRecord,
  exactlyOnceChecks,
  type RecordKind,
  type RunResult,
} from '@tributary/testing/verify';
import { type Contender, runSuiteScenario } from '../harness.js';

export interface PoisonOptions {
  contender: Contender;
  count: number;
  perSecond: number;
  label?: string;
}

/** 1 % of the records are bad, in turn: a poison event (handler always throws), schema-invalid JSON, not JSON at all. */
export function poisonKind(n: number): RecordKind {
  if (n % 100 !== 37) return 'valid';
  const kinds: RecordKind[] = ['poison', 'invalid', 'malformed'];
  return kinds[Math.floor(n / 100) % kinds.length] as RecordKind;
}

/**
 * Scenario 5: poison and validation failures at 1 % among valid events, two members. Promises: every
 * bad record in the DLQ with its error in headers, every valid one processed once, no partition stuck
 * (the run settles with the committed offsets at the log end).
 */
export function poisonScenario(o: PoisonOptions): Promise<RunResult> {
  return runSuiteScenario({
    scenario: o.label ?? `5 poison/invalid at 1 %, ${o.count} records`,
    options: {
      name: 's5-poison',
      contender: o.contender,
      partitions: 6,
      env: { PROTOCOL: 'cooperative', DLQ: '1', RETRIES: '3' },
    },
    settleMs: 90_000,
    dlq: true,
    body: async (s) => {
      s.member('m1');
      s.member('m2');
      await s.waitBalanced(30_000);
      await s.produce(o.perSecond, { count: o.count }, (n) => eventRecord(n, poisonKind(n)));
    },
    expect: (m, s) => [...exactlyOnceChecks(m), ...deadLetterChecks(m, { dlq: s.label === 'tributary' })],
  });
}
