import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject } from 'rxjs';
import { laneMap } from './lane-map.js';

interface Item {
  lane: string;
  id: number;
  stale?: boolean;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** A lane-mapped subject whose every value starts a batch of `maxSize`, waiting `waitMs` to fill. */
function batchRig(maxSize: number, waitMs: number, concurrency = 4) {
  const source = new Subject<Item>();
  const batches: number[][] = [];
  const singles: number[] = [];
  const gates: Array<ReturnType<typeof deferred>> = [];
  const discarded: number[] = [];
  let completed = false;
  source
    .pipe(
      laneMap(
        (i: Item) => i.lane,
        async (i) => {
          singles.push(i.id);
        },
        {
          concurrency,
          batchOf: () => ({ maxSize, waitMs }),
          projectBatch: async (items) => {
            batches.push(items.map((i) => i.id));
            const gate = deferred();
            gates.push(gate);
            await gate.promise;
          },
          isStale: (i) => i.stale === true,
          onDiscard: (i) => discarded.push(i.id),
        },
      ),
    )
    .subscribe({ complete: () => (completed = true) });
  return { source, batches, singles, gates, discarded, isCompleted: () => completed };
}

test('a lane runs its queued values as batches of at most maxSize, in order, one batch at a time', async () => {
  const rig = batchRig(3, 0);
  for (let id = 1; id <= 7; id++) rig.source.next({ lane: 'a', id });
  await flush();
  assert.deepEqual(rig.batches, [[1]], 'the head starts at once with what had arrived');
  rig.gates[0]?.resolve();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2, 3, 4]], 'the next batch takes what queued meanwhile, up to maxSize');
  rig.gates[1]?.resolve();
  await flush();
  rig.gates[2]?.resolve();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2, 3, 4], [5, 6, 7]]);
  assert.deepEqual(rig.singles, [], 'nothing ran alone');
});

test('lanes batch in parallel; a batch counts as one slot of the concurrency', async () => {
  const rig = batchRig(10, 0, 2);
  rig.source.next({ lane: 'a', id: 1 });
  rig.source.next({ lane: 'b', id: 2 });
  rig.source.next({ lane: 'c', id: 3 });
  await flush();
  assert.deepEqual(rig.batches, [[1], [2]], 'two slots: lane c waits');
  rig.gates[0]?.resolve();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2], [3]]);
});

test('a short batch waits up to waitMs to fill, and starts at once when it fills', async () => {
  const rig = batchRig(3, 60);
  rig.source.next({ lane: 'a', id: 1 });
  await delay(20);
  assert.deepEqual(rig.batches, [], 'still filling');
  rig.source.next({ lane: 'a', id: 2 });
  rig.source.next({ lane: 'a', id: 3 });
  await flush();
  assert.deepEqual(rig.batches, [[1, 2, 3]], 'full: no more waiting');
  rig.gates[0]?.resolve();
  rig.source.next({ lane: 'a', id: 4 });
  await flush();
  assert.deepEqual(rig.batches.length, 1);
  await delay(120);
  assert.deepEqual(rig.batches, [[1, 2, 3], [4]], 'a short batch runs once the wait is over');
});

test('a batch stops before a stale value; stale values are discarded, not run', async () => {
  const rig = batchRig(5, 0);
  rig.source.next({ lane: 'a', id: 1 });
  rig.source.next({ lane: 'a', id: 2 });
  rig.source.next({ lane: 'a', id: 3, stale: true });
  rig.source.next({ lane: 'a', id: 4, stale: true });
  await flush();
  rig.gates[0]?.resolve();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2]], 'the batch behind ends before the first stale value');
  assert.deepEqual(rig.discarded, [], 'not yet at the front');
  rig.gates[1]?.resolve();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2]]);
  assert.deepEqual(rig.discarded, [3, 4]);
});

test('completing the source ends the waits to fill: the short batches run and the output completes', async () => {
  const rig = batchRig(10, 60_000);
  rig.source.next({ lane: 'a', id: 1 });
  rig.source.next({ lane: 'b', id: 2 });
  await flush();
  assert.deepEqual(rig.batches, []);
  rig.source.complete();
  await flush();
  assert.deepEqual(rig.batches, [[1], [2]]);
  for (const gate of rig.gates) gate.resolve();
  await flush();
  assert.equal(rig.isCompleted(), true);
});
