import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitRegressions, type LogLine } from '@tributary/testing/verify';

const commit = (i: string, ts: number, offs: [string, number][]): LogLine => ({ i, ts, ev: 'committed', offs });

test('commitRegressions: an acknowledged offset below an earlier one of the same partition is a regression', () => {
  const lines = [
    commit('a', 1, [['t/0', 10]]),
    commit('b', 3, [['t/0', 8]]), // the old owner's late commit over the new owner's
    commit('a', 2, [
      ['t/0', 12],
      ['t/1', 5],
    ]),
    commit('b', 4, [['t/1', 5]]), // the same offset again is not a regression
  ];
  assert.deepEqual(commitRegressions(lines), ['t/0: 12 (a) → 8 (b) at 3']);
  assert.deepEqual(commitRegressions([commit('a', 1, [['t/0', 1]]), commit('b', 2, [['t/0', 2]])]), []);
});
