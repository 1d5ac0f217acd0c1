import assert from 'node:assert/strict';
import { test } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { laneMap, laneMapEach } from './lane-map.js';

interface Item {
  lane: string | null;
  id: number;
}

/** Runs `items`, given as arrays, through `laneMapEach`; and flattened, one at a time, through `laneMap`. */
async function both(arrays: Item[][], concurrency: number) {
  const trace = () => {
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const perLane = new Map<string, number>();
    const project = async (item: Item) => {
      if (item.lane !== null) {
        assert.ok(!perLane.get(item.lane), `lane ${item.lane} runs one value at a time`);
        perLane.set(item.lane, 1);
      }
      started.push(item.id);
      peak = Math.max(peak, ++active);
      await new Promise((resolve) => setTimeout(resolve, (item.id * 7) % 5));
      active -= 1;
      if (item.lane !== null) perLane.set(item.lane, 0);
      return item.id;
    };
    return { started, project, peak: () => peak };
  };
  const each = trace();
  const eachOut = await lastValueFrom(
    from(arrays).pipe(
      laneMapEach((i: Item) => i.lane, each.project, { concurrency }),
      toArray(),
    ),
  );
  const single = trace();
  const singleOut = await lastValueFrom(
    from(arrays.flat()).pipe(
      laneMap((i: Item) => i.lane, single.project, { concurrency }),
      toArray(),
    ),
  );
  return { each, eachOut, single, singleOut };
}

test('laneMapEach projects every value of every array, in lane order, within the concurrency, like laneMap', async () => {
  let id = 0;
  const arrays = Array.from({ length: 6 }, (_, a) =>
    Array.from({ length: 20 }, (_, i) => ({ lane: i % 4 === 3 ? null : `k${(a + i) % 5}`, id: id++ })),
  );
  arrays.push([]); // an empty poll is nothing
  const { each, eachOut, single, singleOut } = await both(arrays, 4);
  assert.deepEqual(
    [...eachOut].sort((a, b) => a - b),
    [...singleOut].sort((a, b) => a - b),
  );
  assert.equal(eachOut.length, 120);
  assert.ok(each.peak() <= 4 && single.peak() <= 4, 'at most `concurrency` at once');
  assert.equal(each.peak(), 4, 'the slots are used');
  const order = (started: number[], lane: string) =>
    started.filter((n) => arrays.flat().find((i) => i.id === n)?.lane === lane);
  for (const lane of ['k0', 'k1', 'k2', 'k3', 'k4']) {
    const expected = arrays
      .flat()
      .filter((i) => i.lane === lane)
      .map((i) => i.id);
    assert.deepEqual(order(each.started, lane), expected, `lane ${lane} in arrival order`);
  }
});
