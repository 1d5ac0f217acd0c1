import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Assignment } from './assignment.js';

test('add keeps the state of partitions already owned; remove forgets them; re-adding starts fresh', () => {
  const a = new Assignment();
  const [p0] = a.add([{ topic: 't', partition: 0 }]);
  p0?.admitted(4);
  assert.equal(a.add([{ topic: 't', partition: 0 }])[0], p0);
  a.remove([p0 as never]);
  assert.equal(a.get('t', 0), undefined);
  const [again] = a.add([{ topic: 't', partition: 0 }]);
  assert.notEqual(again, p0);
  assert.equal(again?.due(), undefined);
});

test('active excludes revoking partitions; find ignores partitions not owned', () => {
  const a = new Assignment();
  const [p0, p1] = a.add([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  p1?.beginRevoke(true);
  assert.deepEqual(a.active(), [p0]);
  assert.deepEqual(
    a.find([
      { topic: 't', partition: 1 },
      { topic: 'other', partition: 0 },
    ]),
    [p1],
  );
});

test('due lists only partitions whose committable offset moved past the acknowledged one', () => {
  const a = new Assignment();
  const [p0, p1, p2] = a.add([0, 1, 2].map((partition) => ({ topic: 't', partition })));
  for (const p of [p0, p1]) {
    p?.admitted(0);
    p?.offsets.markDone(0);
  }
  p1?.acknowledged(1);
  p2?.admitted(0); // running: its commit stays at 0, which was never acknowledged either
  assert.deepEqual(
    Assignment.due(a.all()).map((d) => [d.offset.partition, d.offset.offset]),
    [
      [0, 1],
      [2, 0],
    ],
  );
});

test('random completion across partitions never commits past unfinished work, and never backwards', () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const a = new Assignment();
  const owned = a.add([0, 1, 2, 3].map((partition) => ({ topic: 't', partition })));
  const open = owned.map(() => new Set<number>());
  const next = owned.map(() => 0);
  const last = owned.map(() => -1);
  for (let step = 0; step < 20_000; step++) {
    const i = Math.floor(rand() * owned.length);
    const p = owned[i];
    if (!p) continue;
    if (rand() < 0.55) {
      const offset = (next[i] as number) + (rand() < 0.1 ? 2 : 0); // gaps: compaction, markers
      p.admitted(offset);
      open[i]?.add(offset);
      next[i] = offset + 1;
    } else if ((open[i]?.size ?? 0) > 0) {
      const values = [...(open[i] as Set<number>)];
      const offset = values[Math.floor(rand() * values.length)] as number;
      p.offsets.markDone(offset);
      open[i]?.delete(offset);
    }
    if (step % 50 === 0) {
      for (const { owned: o, offset } of Assignment.due(a.all())) {
        const j = owned.indexOf(o);
        for (const pending of open[j] as Set<number>) assert.ok(pending >= offset.offset, 'passes unfinished work');
        assert.ok(offset.offset > (last[j] as number), 'moves forward');
        last[j] = offset.offset;
        o.acknowledged(offset.offset);
      }
      assert.deepEqual(Assignment.due(a.all()), []);
    }
  }
});
