import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from './diagnose.js';
import type { GroupDescription, GroupMember } from './group-description.js';
import type { LagRow, LagSnapshot } from './lag-table.js';
import { parsePrometheus, type Sample } from './prometheus.js';

const snapshot = (at: number, partitions: number, lag = 0): LagSnapshot => {
  const rows: LagRow[] = Array.from({ length: partitions }, (_, partition) => ({
    group: 'g',
    topic: 't',
    partition,
    currentOffset: 100,
    logEndOffset: 100 + lag,
    lag,
  }));
  return { at, group: 'g', rows, totalLag: lag * partitions };
};
const window = (partitions: number) => [
  snapshot(0, partitions),
  snapshot(1_000, partitions),
  snapshot(2_000, partitions),
];
/** An instance's /metrics text: the partitions it owns and its counters. */
const metrics = (owned: number, counters: { rebalances?: number; dead?: number } = {}): Sample[] =>
  parsePrometheus(
    [
      ...Array.from(
        { length: owned },
        (_, p) => `tributary_partition_assigned{group="g",topic="t",partition="${p}"} 1`,
      ),
      `tributary_rebalances_total{group="g",type="assign"} ${counters.rebalances ?? 0}`,
      `tributary_messages_dead_lettered_total{group="g",topic="t",partition="0"} ${counters.dead ?? 0}`,
    ].join('\n'),
  );
const member = (name: string, assigned: number, isStatic = true): GroupMember => ({
  memberId: `${name}-uuid`,
  ...(isStatic ? { groupInstanceId: name } : {}),
  clientId: name,
  host: '/127.0.0.1',
  assigned: Array.from({ length: assigned }, (_, p) => `t/${p}`),
});
const group = (
  members: GroupMember[],
  state: GroupDescription['state'] = 'Stable',
  protocol = 'cooperative-sticky',
) => ({
  state,
  protocol,
  members,
});
const byId = (findings: Finding[], id: Finding['id']) => findings.find((f) => f.id === id);

test('idle members: only the instances passed in count — a stopped one is not an idle member', () => {
  // Two live instances own all 12 partitions; the stopped third is not in `metrics` (the dashboard
  // leaves out instances that do not answer).
  const live = [
    { first: metrics(6), last: metrics(6) },
    { first: metrics(6), last: metrics(6) },
  ];
  assert.equal(byId(diagnose({ snapshots: window(12), metrics: live }), 'idle-members'), undefined);
});

test('idle members from the metrics: idle at both ends of the window; the advice depends on the partition count', () => {
  const joining = { first: metrics(0), last: metrics(3) };
  const idle = { first: metrics(0), last: metrics(0) };
  const busy = { first: metrics(3), last: metrics(3) };
  assert.equal(byId(diagnose({ snapshots: window(6), metrics: [busy, joining] }), 'idle-members'), undefined);
  const enough = byId(diagnose({ snapshots: window(6), metrics: [busy, idle] }), 'idle-members');
  assert.equal(enough?.title, '1 of 2 member(s) own no partition');
  assert.match(enough?.suggestion ?? '', /enough partitions \(6\)/);
  const tooMany = byId(diagnose({ snapshots: window(1), metrics: [busy, idle] }), 'idle-members');
  assert.match(tooMany?.suggestion ?? '', /More members than partitions/);
});

test('idle members from DescribeGroups when Stable; none while the group rebalances', () => {
  const described = group([member('a', 2), member('b', 0)]);
  const found = byId(diagnose({ snapshots: window(2), group: described }), 'idle-members');
  assert.equal(found?.title, '1 of 2 member(s) own no partition');
  assert.match(found?.evidence[0] ?? '', /DescribeGroups/);
  // Mid-rebalance Kafka describes no assignment: everybody would look idle.
  const rebalancing = group([member('a', 0), member('b', 0)], 'PreparingRebalance');
  assert.equal(byId(diagnose({ snapshots: window(2), group: rebalancing }), 'idle-members'), undefined);
});

test('rebalances: static membership is advised only to members without group.instance.id', () => {
  const churn = [{ first: metrics(3, { rebalances: 1 }), last: metrics(3, { rebalances: 4 }) }];
  const allStatic = byId(
    diagnose({ snapshots: window(3), metrics: churn, group: group([member('a', 3)]) }),
    'frequent-rebalances',
  );
  assert.equal(allStatic?.title, '3 assignment change(s) in 2 s');
  assert.match(allStatic?.suggestion ?? '', /already static/);
  assert.doesNotMatch(allStatic?.suggestion ?? '', /set groupInstanceId/);
  assert.doesNotMatch(allStatic?.suggestion ?? '', /assignor/, 'cooperative already');

  const mixed = byId(
    diagnose({
      snapshots: window(3),
      metrics: churn,
      group: group([member('a', 2), member('b', 1, false)], 'Stable', 'range'),
    }),
    'frequent-rebalances',
  );
  assert.match(mixed?.suggestion ?? '', /1 of 2 members have no group\.instance\.id \(b\): set groupInstanceId/);
  assert.match(mixed?.suggestion ?? '', /range assignor .*rebalanceProtocol: 'cooperative'/);

  const unknown = byId(diagnose({ snapshots: window(3), metrics: churn }), 'frequent-rebalances');
  assert.match(unknown?.suggestion ?? '', /Not checked against the members/);
});

test("a restarted instance's counters count from 0 (no negative increase)", () => {
  const restarted = [{ first: metrics(3, { rebalances: 9 }), last: metrics(3, { rebalances: 1 }) }];
  assert.equal(
    byId(diagnose({ snapshots: window(3), metrics: restarted }), 'frequent-rebalances')?.title,
    '1 assignment change(s) in 2 s',
  );
});

test('dead letters: the DLQ topics’ growth is the count; metrics only without it', () => {
  const counters = [{ first: metrics(3, { dead: 0 }), last: metrics(3, { dead: 2 }) }];
  const fromTopics = byId(
    diagnose({
      snapshots: window(3),
      metrics: counters,
      deadLetters: { first: 10, last: 15, topics: ['t.dlq'] },
    }),
    'dlq-growth',
  );
  assert.equal(fromTopics?.title, '5 message(s) dead-lettered in 2 s');
  assert.deepEqual(fromTopics?.evidence, ['t.dlq grew from 10 to 15 messages']);
  const fromMetrics = byId(diagnose({ snapshots: window(3), metrics: counters }), 'dlq-growth');
  assert.equal(fromMetrics?.title, '2 message(s) dead-lettered in 2 s');
  const none = diagnose({ snapshots: window(3), deadLetters: { first: 4, last: 4, topics: ['t.dlq'] } });
  assert.equal(byId(none, 'dlq-growth'), undefined);
});

test('slow processing does not advise more instances when every partition has a member', () => {
  const growing = [snapshot(0, 2, 10), snapshot(1_000, 2, 20), snapshot(2_000, 2, 30)];
  const full = byId(
    diagnose({ snapshots: growing, group: group([member('a', 1), member('b', 1)]) }),
    'slow-processing',
  );
  assert.match(full?.suggestion ?? '', /more instances would not help: 2 member\(s\) already for 2 partitions/);
  const room = byId(diagnose({ snapshots: growing, group: group([member('a', 2)]) }), 'slow-processing');
  assert.match(room?.suggestion ?? '', /add instances up to the partition count \(2 partitions, 1 member\(s\) now\)/);
});

test('partitions a stopped static member holds wait for it: not a hot partition', () => {
  // Partition 0 grows because its owner stopped and keeps it for its session; the others are fine.
  const rows = (at: number, lag0: number) => {
    const s = snapshot(at, 6);
    const row = s.rows[0] as LagRow;
    s.rows[0] = { ...row, logEndOffset: 100 + lag0, lag: lag0 };
    return s;
  };
  const snapshots = [rows(0, 10), rows(1_000, 60), rows(2_000, 110)];
  assert.equal(byId(diagnose({ snapshots }), 'hot-partition')?.evidence[0], 't/0: lag 110 (+50.0/s)');
  const held = diagnose({ snapshots, waiting: ['t/0'] });
  assert.equal(byId(held, 'hot-partition'), undefined);
  const waiting = byId(held, 'waiting-for-member');
  assert.equal(waiting?.title, '1 partition(s) wait for a member whose instance stopped');
  assert.match(waiting?.suggestion ?? '', /session\.timeout\.ms/);
});

test('a partition whose lag was 0 inside the window kept up: not hot, however steep its last step', () => {
  // t/1 goes 0 → 0 → 3 within 200 ms (a steep slope from one produce burst); t/0 is held by app.pause().
  const at = (ms: number, lag0: number, lag1: number) => {
    const s = snapshot(ms, 6);
    s.rows[0] = { ...(s.rows[0] as LagRow), logEndOffset: 100 + lag0, lag: lag0 };
    s.rows[1] = { ...(s.rows[1] as LagRow), logEndOffset: 100 + lag1, lag: lag1 };
    return s;
  };
  const burst = [at(0, 10, 0), at(100, 15, 0), at(200, 20, 3)];
  assert.equal(byId(diagnose({ snapshots: burst, held: ['t/0'] }), 'hot-partition'), undefined);
  // The same partition behind all along, with the same slope, is hot.
  const behind = [at(0, 10, 30), at(100, 15, 30), at(200, 20, 33)];
  assert.equal(
    byId(diagnose({ snapshots: behind, held: ['t/0'] }), 'hot-partition')?.evidence[0],
    't/1: lag 33 (+15.0/s)',
  );
});

test('a partition held by app.pause() grows on purpose: held, not a hot partition', () => {
  const rows = (at: number, lag0: number) => {
    const s = snapshot(at, 6);
    const row = s.rows[0] as LagRow;
    s.rows[0] = { ...row, logEndOffset: 100 + lag0, lag: lag0 };
    return s;
  };
  const snapshots = [rows(0, 10), rows(1_000, 60), rows(2_000, 110)];
  const findings = diagnose({ snapshots, held: ['t/0'] });
  assert.equal(byId(findings, 'hot-partition'), undefined);
  const held = byId(findings, 'held-partitions');
  assert.equal(held?.title, '1 partition(s) held by app.pause() — their lag grows until resumed');
  assert.deepEqual(held?.evidence, ['t/0']);
});

test('partitions held by app.pause() are not reported as backpressure', () => {
  const paused = (total: number, held: number) =>
    parsePrometheus(`tributary_paused_partitions{group="g"} ${total}\ntributary_partitions_held{group="g"} ${held}`);
  const run = (samples: Sample[]) => diagnose({ snapshots: window(2), metrics: [{ first: samples, last: samples }] });
  const onlyHeld = run(paused(1, 1));
  assert.equal(byId(onlyHeld, 'paused-partitions'), undefined);
  assert.match(byId(onlyHeld, 'held-partitions')?.title ?? '', /1 partition\(s\) held by app.pause\(\)/);
  const both = run(paused(3, 1));
  assert.match(byId(both, 'paused-partitions')?.title ?? '', /^2 partition\(s\) paused by backpressure/);
  assert.ok(byId(both, 'held-partitions'));
});
