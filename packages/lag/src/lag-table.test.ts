import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLagTable, type LagRow, type LagSnapshot, withTrend } from './lag-table.js';

const row = (
  partition: number,
  currentOffset: number | null,
  logEndOffset: number,
  member?: LagRow['member'],
): LagRow => ({
  group: 'g',
  topic: 'task-created',
  partition,
  currentOffset,
  logEndOffset,
  lag: currentOffset === null ? null : logEndOffset - currentOffset,
  member,
});
const snapshot = (at: number, rows: LagRow[]): LagSnapshot => ({
  at,
  group: 'g',
  rows,
  totalLag: rows.reduce((n, r) => n + (r.lag ?? 0), 0),
});

test('withTrend: lag change per second and the time to catch up at that pace', () => {
  const before = snapshot(0, [row(0, 100, 300), row(1, 100, 150), row(2, null, 10), row(3, 50, 50)]);
  const after = snapshot(2_000, [row(0, 200, 300), row(1, 100, 250), row(2, null, 20), row(3, 60, 60)]);
  const rows = withTrend(before, after);
  // p0: 200 → 100 in 2 s: −50/s, 2 s to go.
  assert.equal(rows[0]?.lagPerSecond, -50);
  assert.equal(rows[0]?.catchUpSeconds, 2);
  // p1: 50 → 150: falling behind, no ETA.
  assert.equal(rows[1]?.lagPerSecond, 50);
  assert.equal(rows[1]?.catchUpSeconds, undefined);
  // p2: never committed: no trend at all.
  assert.equal(rows[2]?.lagPerSecond, undefined);
  // p3: caught up.
  assert.equal(rows[3]?.lagPerSecond, 0);
  assert.equal(rows[3]?.catchUpSeconds, 0);
  // Without a previous snapshot there is nothing to compare.
  assert.equal(withTrend(undefined, after)[0]?.lagPerSecond, undefined);
});

test('formatLagTable: the kafka-consumer-groups columns, "-" for unknowns, a TOTAL line', () => {
  const member = { consumerId: 'rdkafka-1', host: '/10.0.0.7', clientId: 'notification-service-a' };
  const text = formatLagTable([row(0, 850, 1000, member), row(1, 920, 920), row(2, null, 800)]);
  const lines = text.split('\n').map((l) => l.split(/\s+/));
  assert.deepEqual(lines[0], [
    'GROUP',
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
    'CONSUMER-ID',
    'HOST',
    'CLIENT-ID',
  ]);
  assert.deepEqual(lines[1], [
    'g',
    'task-created',
    '0',
    '850',
    '1000',
    '150',
    'rdkafka-1',
    '/10.0.0.7',
    'notification-service-a',
  ]);
  assert.deepEqual(lines[2], ['g', 'task-created', '1', '920', '920', '0', '-', '-', '-']);
  assert.deepEqual(lines[3], ['g', 'task-created', '2', '-', '800', '-', '-', '-', '-']);
  assert.deepEqual(lines[4], ['TOTAL', '150']);
  // Columns line up: every value starts where its header starts.
  const header = text.split('\n')[0] as string;
  const first = text.split('\n')[1] as string;
  assert.equal(first.indexOf('1000'), header.indexOf('LOG-END-OFFSET'));
});

test('formatLagTable with trend: per-partition rate and ETA, and the group total', () => {
  const rows = withTrend(
    snapshot(0, [row(0, 0, 100), row(1, 0, 10)]),
    snapshot(1_000, [row(0, 50, 110), row(1, 10, 10)]),
  );
  const lines = formatLagTable(rows, { trend: true })
    .split('\n')
    .map((l) => l.split(/\s+/));
  assert.deepEqual(lines[0]?.slice(-2), ['TREND/s', 'CATCH-UP']);
  assert.deepEqual(lines[1]?.slice(-2), ['-40.0', '2s']);
  assert.deepEqual(lines[2]?.slice(-2), ['-10.0', '0s']);
  assert.deepEqual(lines[3], ['TOTAL', '60', '-50.0', '2s']);
});
