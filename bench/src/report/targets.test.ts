import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spread } from '../stats.js';
import type { WorkloadResult } from '../workloads/types.js';
import { evaluateTargets } from './targets.js';

const result = (id: string, rows: Array<[string, Record<string, unknown>]>): WorkloadResult => ({
  id,
  title: id,
  description: '',
  columns: [],
  rows: rows.map(([contender, values]) => ({ contender, setup: '', values: values as never })),
  notes: [],
});

test('targets say whether they were met and by how much, from the medians', () => {
  const targets = evaluateTargets([
    result('noop', [
      ['raw', { throughput: spread([100, 110, 120]) }],
      ['tributary-partition', { throughput: spread([80, 85, 99]) }],
    ]),
    result('io', [
      ['tributary-key', { throughput: spread([40_000]) }],
      ['tributary-partition', { throughput: spread([1000]) }],
      ['kafkajs', { throughput: spread([1200]) }],
    ]),
  ]);
  const byTarget = new Map(targets.map((t) => [t.target, t]));
  const noop = byTarget.get('tributary-partition ≥ 0.9× raw');
  assert.equal(noop?.met, false);
  assert.match(noop?.margin ?? '', /missed by 14 % \(needs 99 msgs\/s\)/);
  assert.equal(byTarget.get('tributary-key ≥ 30× tributary-partition')?.met, true);
  assert.equal(byTarget.get('tributary-key ≥ 20× kafkajs')?.met, true);
  assert.equal(byTarget.get('tributary-key ≥ 20× nestjs')?.met, undefined);
  assert.equal(byTarget.get('tributary-key ≥ 20× nestjs')?.measured, 'not measured');
});
