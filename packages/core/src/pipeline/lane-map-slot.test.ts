import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject } from 'rxjs';
import { type LaneSlot, laneMap } from './lane-map.js';

interface Item {
  lane: string;
  id: string;
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/**
 * A harness over laneMap with concurrency 1: each value's projection is a script of steps the
 * test drives (`gates`), and `log` says what ran when.
 */
function harness(script: (item: Item, slot: LaneSlot, log: string[]) => Promise<void>) {
  const source = new Subject<Item>();
  const log: string[] = [];
  let active = 0;
  let maxActive = 0;
  const output = source.pipe(
    laneMap(
      (item: Item) => item.lane,
      async (item, slot) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        log.push(`start ${item.id}`);
        const counted = { released: false };
        const tracked: LaneSlot = {
          release() {
            if (!counted.released) active -= 1;
            counted.released = true;
            slot.release();
          },
          async reacquire() {
            await slot.reacquire();
            if (counted.released) active += 1;
            maxActive = Math.max(maxActive, active);
            counted.released = false;
          },
        };
        try {
          await script(item, tracked, log);
        } finally {
          if (!counted.released) active -= 1;
          log.push(`end ${item.id}`);
        }
      },
      { concurrency: 1 },
    ),
  );
  const subscription = output.subscribe();
  return { source, log, maxActive: () => maxActive, subscription };
}

test('a released slot serves another lane while its own lane stays held; reacquiring goes first', async () => {
  const pauseOver = deferred();
  const bDone = deferred();
  const h = harness(async (item, slot, log) => {
    if (item.id === 'a1') {
      slot.release();
      await pauseOver.promise;
      await slot.reacquire();
      log.push('a1 reacquired');
    }
    if (item.id === 'b1') await bDone.promise;
  });
  h.source.next({ lane: 'a', id: 'a1' });
  h.source.next({ lane: 'a', id: 'a2' }); // behind a1 in its lane: waits for a1, released slot or not
  h.source.next({ lane: 'b', id: 'b1' });
  h.source.next({ lane: 'c', id: 'c1' });
  await flush();
  assert.deepEqual(h.log, ['start a1', 'start b1'], 'b1 took the released slot; a2 stays behind a1');
  pauseOver.resolve();
  await flush();
  assert.deepEqual(h.log, ['start a1', 'start b1'], 'the only slot is busy: a1 waits to reacquire');
  bDone.resolve();
  await flush();
  await flush();
  assert.deepEqual(
    h.log,
    ['start a1', 'start b1', 'end b1', 'a1 reacquired', 'end a1', 'start c1', 'end c1', 'start a2', 'end a2'],
    'a1 reacquired before c1 (waiting for a slot) started; a2 ran after a1 (its lane then waits its turn)',
  );
  assert.equal(h.maxActive(), 1, 'never more than the concurrency working at once');
  h.subscription.unsubscribe();
});

test('a projection that ends without reacquiring gives its slot back once (the count stays right)', async () => {
  const h = harness(async (item, slot) => {
    if (item.id.startsWith('p')) {
      slot.release();
      slot.release(); // idempotent
    }
  });
  for (const id of ['p1', 'p2', 'x1', 'x2', 'x3']) h.source.next({ lane: id, id });
  await flush();
  await flush();
  assert.deepEqual(h.log.filter((l) => l.startsWith('end')).length, 5, 'every value ran');
  assert.equal(h.maxActive(), 1);
  // After the released ones ended, the limit is still 1: two slow values do not overlap.
  const slow = deferred();
  const h2log: string[] = [];
  const h2 = harness(async (item, slot, log) => {
    if (item.id === 'p') slot.release();
    else await slow.promise;
    h2log.push(log.at(-1) ?? '');
  });
  h2.source.next({ lane: 'p', id: 'p' });
  await flush();
  h2.source.next({ lane: 's1', id: 's1' });
  h2.source.next({ lane: 's2', id: 's2' });
  await flush();
  assert.deepEqual(h2.log, ['start p', 'end p', 'start s1'], 's2 waits: p returned its slot when it ended');
  slow.resolve();
  await flush();
  await flush();
  assert.equal(h2.log.at(-1), 'end s2');
  h.subscription.unsubscribe();
  h2.subscription.unsubscribe();
});
