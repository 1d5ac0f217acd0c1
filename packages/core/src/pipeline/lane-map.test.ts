import assert from 'node:assert/strict';
import { test } from 'node:test';
import { config, EMPTY, from, Observable, of, Subject, throwError } from 'rxjs';
import { laneMap } from './lane-map.js';

interface Item {
  lane: string;
  id: number;
}

const laneOf = (item: Item) => item.lane;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Lets pending promise callbacks and timers of 0 ms run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function collect<R>(output: Observable<R>) {
  const state = { values: [] as R[], completed: false, errored: false, error: undefined as unknown };
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const subscription = output.subscribe({
    next: (value) => state.values.push(value),
    error: (error) => {
      state.errored = true;
      state.error = error;
      settle();
    },
    complete: () => {
      state.completed = true;
      settle();
    },
  });
  return { state, done, subscription };
}

/** Records start/end of projections and checks concurrency as they happen. */
class Recorder {
  readonly events: Array<{ kind: 'start' | 'end'; lane: string; id: number }> = [];
  readonly started: Item[] = [];
  readonly perLane = new Map<string, number>();
  active = 0;
  maxActive = 0;
  maxPerLane = 0;
  maxLanesAtOnce = 0;

  start(item: Item): void {
    this.events.push({ kind: 'start', lane: item.lane, id: item.id });
    this.started.push(item);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    const inLane = (this.perLane.get(item.lane) ?? 0) + 1;
    this.perLane.set(item.lane, inLane);
    this.maxPerLane = Math.max(this.maxPerLane, inLane);
    const lanesBusy = [...this.perLane.values()].filter((n) => n > 0).length;
    this.maxLanesAtOnce = Math.max(this.maxLanesAtOnce, lanesBusy);
  }

  end(item: Item): void {
    this.events.push({ kind: 'end', lane: item.lane, id: item.id });
    this.active -= 1;
    this.perLane.set(item.lane, (this.perLane.get(item.lane) ?? 0) - 1);
  }

  /** Async projection that records itself and takes `ms`. */
  project(ms: (item: Item) => number) {
    return async (item: Item) => {
      this.start(item);
      await delay(ms(item));
      this.end(item);
      return item;
    };
  }

  startedIdsOf(lane: string): number[] {
    return this.started.filter((item) => item.lane === lane).map((item) => item.id);
  }
}

function items(lanes: string[], perLane: number): Item[] {
  const result: Item[] = [];
  let id = 0;
  for (let i = 0; i < perLane; i++) for (const lane of lanes) result.push({ lane, id: id++ });
  return result;
}

test('same-lane values run strictly sequentially in arrival order; different lanes overlap', async () => {
  const rand = prng(11);
  const input = items(['a', 'b', 'c'], 8);
  const delays = new Map(input.map((item) => [item.id, 1 + Math.floor(rand() * 6)]));
  const recorder = new Recorder();
  const { state, done } = collect(
    from(input).pipe(
      laneMap(
        laneOf,
        recorder.project((item) => delays.get(item.id) as number),
        { concurrency: 10 },
      ),
    ),
  );
  await done;

  assert.equal(state.completed, true);
  assert.equal(state.values.length, input.length);
  assert.equal(recorder.maxPerLane, 1, 'two values of one lane never run at the same time');
  assert.ok(recorder.maxLanesAtOnce >= 2, 'different lanes ran concurrently');
  assert.equal(recorder.maxLanesAtOnce, 3);
  for (const lane of ['a', 'b', 'c']) {
    const expected = input.filter((item) => item.lane === lane).map((item) => item.id);
    assert.deepEqual(recorder.startedIdsOf(lane), expected, `lane ${lane} runs in arrival order`);
    // Within the lane, events strictly alternate start/end for the same id.
    const laneEvents = recorder.events.filter((event) => event.lane === lane);
    for (let i = 0; i < laneEvents.length; i += 2) {
      assert.deepEqual(laneEvents[i], { kind: 'start', lane, id: expected[i / 2] });
      assert.deepEqual(laneEvents[i + 1], { kind: 'end', lane, id: expected[i / 2] });
    }
  }
  // Outputs of one lane are emitted in that lane's order too.
  for (const lane of ['a', 'b', 'c']) {
    assert.deepEqual(
      state.values.filter((item) => item.lane === lane).map((item) => item.id),
      input.filter((item) => item.lane === lane).map((item) => item.id),
    );
  }
});

test('per-lane ordering holds with values arriving over time and randomized durations', async () => {
  const rand = prng(99);
  const recorder = new Recorder();
  const source = new Subject<Item>();
  const lanes = ['k1', 'k2', 'k3', 'k4', 'k5'];
  const durations = new Map<number, number>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        recorder.project((item) => durations.get(item.id) as number),
        { concurrency: 3 },
      ),
    ),
  );
  const sent: Item[] = [];
  for (let id = 0; id < 120; id++) {
    const item = { lane: lanes[Math.floor(rand() * lanes.length)] as string, id };
    durations.set(id, Math.floor(rand() * 4));
    sent.push(item);
    source.next(item);
    if (rand() < 0.3) await delay(Math.floor(rand() * 3));
  }
  source.complete();
  await done;

  assert.equal(state.completed, true);
  assert.equal(recorder.maxPerLane, 1);
  assert.ok(recorder.maxActive <= 3, `max active ${recorder.maxActive} exceeds concurrency 3`);
  for (const lane of lanes) {
    assert.deepEqual(
      recorder.startedIdsOf(lane),
      sent.filter((item) => item.lane === lane).map((item) => item.id),
    );
  }
  assert.deepEqual(
    state.values.map((item) => item.id).sort((x, y) => x - y),
    sent.map((item) => item.id),
  );
});

test('the global concurrency limit is never exceeded, and is reached', async () => {
  for (const concurrency of [1, 2, 4, 7]) {
    const rand = prng(concurrency);
    const recorder = new Recorder();
    const input = items(
      Array.from({ length: 20 }, (_, i) => `lane-${i}`),
      3,
    );
    const { state, done } = collect(
      from(input).pipe(
        laneMap(
          laneOf,
          recorder.project(() => Math.floor(rand() * 4)),
          { concurrency },
        ),
      ),
    );
    await done;
    assert.equal(state.completed, true);
    assert.equal(state.values.length, input.length);
    assert.ok(recorder.maxActive <= concurrency, `concurrency ${concurrency}: saw ${recorder.maxActive} active`);
    assert.equal(recorder.maxActive, concurrency, `concurrency ${concurrency} is used fully`);
    assert.equal(recorder.maxPerLane, 1);
  }
});

test('a busy lane does not take a slot: with one hot lane, other lanes use the remaining slots', async () => {
  const recorder = new Recorder();
  const input: Item[] = [];
  for (let i = 0; i < 10; i++) input.push({ lane: 'hot', id: i });
  for (let i = 10; i < 14; i++) input.push({ lane: `cold-${i}`, id: i });
  const { done } = collect(
    from(input).pipe(
      laneMap(
        laneOf,
        recorder.project(() => 2),
        { concurrency: 3 },
      ),
    ),
  );
  await done;
  // The 4 cold lanes must not be stuck behind the 10 hot values: they all start before hot #3 does.
  const startOrder = recorder.started.map((item) => item.id);
  for (let cold = 10; cold < 14; cold++) {
    assert.ok(startOrder.indexOf(cold) < startOrder.indexOf(3), `cold ${cold} started late: ${startOrder.join(',')}`);
  }
  assert.equal(recorder.maxPerLane, 1);
  assert.ok(recorder.maxActive <= 3);
});

test('slots are granted to waiting lanes in arrival order (no starvation)', async () => {
  const gate = deferred();
  const started: number[] = [];
  const source = new Subject<Item>();
  const { done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          started.push(item.id);
          if (item.id === 0) await gate.promise;
        },
        { concurrency: 1 },
      ),
    ),
  );
  source.next({ lane: 'x', id: 0 });
  source.next({ lane: 'b', id: 1 });
  source.next({ lane: 'c', id: 2 });
  source.next({ lane: 'b', id: 3 });
  source.next({ lane: 'd', id: 4 });
  source.complete();
  assert.deepEqual(started, [0]);
  gate.resolve();
  await done;
  assert.deepEqual(started, [0, 1, 2, 4, 3]);
});

test('projections returning observables: every emitted value is forwarded', async () => {
  const input = items(['a', 'b'], 3);
  const { state, done } = collect(
    from(input).pipe(laneMap(laneOf, (item) => of(`${item.id}:1`, `${item.id}:2`), { concurrency: 2 })),
  );
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(
    state.values,
    input.flatMap((item) => [`${item.id}:1`, `${item.id}:2`]),
  );
});

test('projections that emit nothing (EMPTY) still release the lane', async () => {
  const { state, done } = collect(from(items(['a'], 5)).pipe(laneMap(laneOf, () => EMPTY, { concurrency: 1 })));
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(state.values, []);
});

test('isStale: stale values are discarded unstarted when they reach the front, with onDiscard', async () => {
  const gates = new Map<number, ReturnType<typeof deferred<void>>>();
  const stale = new Set<number>();
  const projected: number[] = [];
  const discarded: number[] = [];
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          const gate = deferred();
          gates.set(item.id, gate);
          await gate.promise;
          return item.id;
        },
        {
          concurrency: 4,
          isStale: (item) => stale.has(item.id),
          onDiscard: (item) => discarded.push(item.id),
        },
      ),
    ),
  );

  for (let id = 1; id <= 5; id++) source.next({ lane: 'a', id });
  source.complete();
  assert.deepEqual(projected, [1]);

  stale.add(2);
  stale.add(3);
  stale.add(5);
  gates.get(1)?.resolve();
  await flush();
  assert.deepEqual(projected, [1, 4], '2 and 3 were skipped, 4 runs');
  assert.deepEqual(discarded, [2, 3]);
  assert.equal(state.completed, false, '4 is running');

  gates.get(4)?.resolve();
  await done;
  assert.deepEqual(projected, [1, 4]);
  assert.deepEqual(discarded, [2, 3, 5]);
  assert.deepEqual(state.values, [1, 4]);
  assert.equal(state.completed, true);
});

test('isStale is checked when a value reaches the front, not on arrival', async () => {
  const gate = deferred();
  const stale = new Set<number>([2]); // stale on arrival…
  const projected: number[] = [];
  const discarded: number[] = [];
  const source = new Subject<Item>();
  const { done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          if (item.id === 1) await gate.promise;
        },
        { concurrency: 2, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id) },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 });
  source.next({ lane: 'a', id: 2 });
  source.next({ lane: 'a', id: 3 });
  source.complete();
  stale.delete(2); // …but fresh again by the time it reaches the front
  stale.add(3); // fresh on arrival, stale at the front
  gate.resolve();
  await done;
  assert.deepEqual(projected, [1, 2]);
  assert.deepEqual(discarded, [3]);
});

test('isStale on an idle lane: a stale value is discarded immediately and synchronously', async () => {
  const projected: number[] = [];
  const discarded: number[] = [];
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
        },
        { concurrency: 1, isStale: (item) => item.id % 2 === 1, onDiscard: (item) => discarded.push(item.id) },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 });
  assert.deepEqual(discarded, [1]);
  assert.deepEqual(projected, []);
  source.next({ lane: 'a', id: 2 });
  assert.deepEqual(projected, [2]);
  source.complete();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(discarded, [1]);
});

test('isStale without onDiscard simply skips stale values', async () => {
  const projected: number[] = [];
  const { state, done } = collect(
    from(items(['a', 'b'], 4)).pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          await delay(1);
        },
        { concurrency: 2, isStale: (item) => item.id % 3 === 0 },
      ),
    ),
  );
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(
    projected.sort((x, y) => x - y),
    [1, 2, 4, 5, 7],
  );
});

test('purge discards stale queued values of a lane whose head is still running, without waiting for it', async () => {
  const gate = deferred();
  const stale = new Set<number>();
  const projected: number[] = [];
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const source = new Subject<Item>();
  let headFinished = false;
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          if (item.id === 1) {
            await gate.promise;
            headFinished = true;
          }
          return item.id;
        },
        { concurrency: 4, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  for (let id = 1; id <= 3; id++) source.next({ lane: 'a', id });
  source.complete();
  assert.deepEqual(projected, [1]);

  stale.add(2);
  stale.add(3);
  purge.next();
  assert.deepEqual(discarded, [2, 3], 'discarded synchronously on purge');
  assert.equal(headFinished, false, 'the head is still running');
  assert.equal(state.completed, false, 'cannot complete while the head runs');

  purge.next(); // a second purge discards nothing twice
  assert.deepEqual(discarded, [2, 3]);

  gate.resolve();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(projected, [1]);
  assert.deepEqual(state.values, [1]);
  assert.deepEqual(discarded, [2, 3]);
});

test('purge discards stale values of lanes that wait for a slot', async () => {
  const gate = deferred();
  const stale = new Set<number>();
  const projected: number[] = [];
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          if (item.id === 1) await gate.promise;
        },
        { concurrency: 1, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  source.next({ lane: 'x', id: 1 }); // takes the only slot
  source.next({ lane: 'b', id: 2 });
  source.next({ lane: 'b', id: 3 });
  source.next({ lane: 'c', id: 4 });
  source.complete();

  stale.add(2);
  stale.add(3);
  purge.next();
  assert.deepEqual(discarded, [2, 3], 'lane b purged while all slots are busy');
  assert.deepEqual(projected, [1]);

  gate.resolve();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(projected, [1, 4]);
  assert.deepEqual(discarded, [2, 3]);
});

test('purge leaves fresh values alone and is a no-op without isStale', async () => {
  const gate = deferred();
  const projected: number[] = [];
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const { done } = collect(
    from(items(['a'], 3)).pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          if (item.id === 0) await gate.promise;
        },
        { concurrency: 1, onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  purge.next();
  assert.deepEqual(discarded, []);
  gate.resolve();
  await done;
  assert.deepEqual(projected, [0, 1, 2]);
  assert.deepEqual(discarded, []);
});

test('purge discards every queued value isStale rejects, not only a stale prefix of the lane', async () => {
  const gate = deferred();
  const stale = new Set<number>();
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const source = new Subject<Item>();
  collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          if (item.id === 1) await gate.promise;
        },
        { concurrency: 4, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 }); // running
  source.next({ lane: 'a', id: 2 }); // queued, fresh
  source.next({ lane: 'a', id: 3 }); // queued, will be stale
  stale.add(3);
  purge.next();
  try {
    assert.deepEqual(discarded, [3], 'value 3 is queued and stale: the purge should discard it now');
  } finally {
    gate.resolve();
    source.complete();
  }
});

test('after a purge empties a waiting lane, new values of that lane run once each, in order', async () => {
  const gate = deferred();
  const stale = new Set<number>();
  const recorder = new Recorder();
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          recorder.start(item);
          if (item.id === 1) await gate.promise;
          else await delay(1);
          recorder.end(item);
        },
        { concurrency: 1, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  source.next({ lane: 'x', id: 1 });
  source.next({ lane: 'b', id: 2 });
  stale.add(2);
  purge.next(); // lane b is emptied while it still waits for a slot
  source.next({ lane: 'b', id: 3 });
  source.next({ lane: 'b', id: 4 });
  source.next({ lane: 'c', id: 5 });
  source.complete();
  gate.resolve();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(discarded, [2]);
  assert.deepEqual(
    recorder.started.map((item) => item.id),
    [1, 3, 5, 4],
  );
  assert.equal(recorder.maxActive, 1);
});

test('lane state does not accumulate: 10k distinct lanes all complete', async () => {
  const count = 10_000;
  const input = Array.from({ length: count }, (_, id) => ({ lane: `key-${id}`, id }));
  const recorder = new Recorder();
  const { state, done } = collect(
    from(input).pipe(
      laneMap(
        laneOf,
        async (item) => {
          recorder.start(item);
          await Promise.resolve();
          recorder.end(item);
          return item.id;
        },
        { concurrency: 32 },
      ),
    ),
  );
  await done;
  assert.equal(state.completed, true);
  assert.equal(state.values.length, count);
  assert.equal(new Set(state.values).size, count);
  assert.ok(recorder.maxActive <= 32);
  assert.equal(recorder.active, 0);
});

test('10k values over a few reused lanes, with synchronous projections', async () => {
  const count = 10_000;
  const input = Array.from({ length: count }, (_, id) => ({ lane: `k${id % 7}`, id }));
  const { state, done } = collect(from(input).pipe(laneMap(laneOf, (item) => of(item.id), { concurrency: 3 })));
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(
    state.values,
    input.map((item) => item.id),
  );
});

test('a lane key can be reused after the lane drained', async () => {
  const source = new Subject<Item>();
  const projected: number[] = [];
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          projected.push(item.id);
          return item.id;
        },
        { concurrency: 1 },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 });
  await flush();
  source.next({ lane: 'a', id: 2 });
  await flush();
  source.next({ lane: 'a', id: 3 });
  source.complete();
  await done;
  assert.deepEqual(projected, [1, 2, 3]);
  assert.deepEqual(state.values, [1, 2, 3]);
});

test('a backlog of synchronously completing projections drains without blowing the stack', async () => {
  const gate = deferred();
  const count = 50_000;
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(laneOf, (item) => (item.id === 0 ? from(gate.promise.then(() => item.id)) : of(item.id)), {
        concurrency: 1,
      }),
    ),
  );
  source.next({ lane: 'head', id: 0 });
  for (let id = 1; id <= count; id++) source.next({ lane: `l${id}`, id });
  source.complete();

  const unhandled: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => unhandled.push(error);
  try {
    gate.resolve();
    await Promise.race([done, delay(2000)]);
    await flush();
  } finally {
    config.onUnhandledError = previous;
  }
  assert.deepEqual(unhandled, []);
  assert.equal(state.errored, false, String(state.error));
  assert.equal(state.completed, true);
  assert.equal(state.values.length, count + 1);
});

test('completes immediately for an empty source', async () => {
  const { state, done } = collect(EMPTY.pipe(laneMap(laneOf, async () => 1, { concurrency: 1 })));
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(state.values, []);
});

test('does not complete while the source is open, even when every lane is drained', async () => {
  const source = new Subject<Item>();
  const { state } = collect(source.pipe(laneMap(laneOf, async (item) => item.id, { concurrency: 2 })));
  source.next({ lane: 'a', id: 1 });
  source.next({ lane: 'b', id: 2 });
  await flush();
  assert.deepEqual(state.values, [1, 2]);
  assert.equal(state.completed, false);
  source.complete();
  assert.equal(state.completed, true, 'completes as soon as the source completes when nothing is left');
});

test('completes only after the source completed and every lane drained', async () => {
  const gates = [deferred(), deferred(), deferred()];
  const source = new Subject<Item>();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        async (item) => {
          await gates[item.id]?.promise;
          return item.id;
        },
        { concurrency: 2 },
      ),
    ),
  );
  source.next({ lane: 'a', id: 0 });
  source.next({ lane: 'b', id: 1 });
  source.next({ lane: 'a', id: 2 }); // queued behind 0
  source.complete();

  await flush();
  assert.equal(state.completed, false);
  gates[1]?.resolve();
  await flush();
  assert.deepEqual(state.values, [1]);
  assert.equal(state.completed, false, 'lane a still has work');
  gates[0]?.resolve();
  await flush();
  assert.deepEqual(state.values, [1, 0]);
  assert.equal(state.completed, false, 'value 2 of lane a is running');
  gates[2]?.resolve();
  await done;
  assert.deepEqual(state.values, [1, 0, 2]);
  assert.equal(state.completed, true);
});

test('completes when the last queued value is discarded as stale', async () => {
  const gate = deferred();
  const discarded: number[] = [];
  const { state, done } = collect(
    from(items(['a'], 2)).pipe(
      laneMap(
        laneOf,
        async (item) => {
          await gate.promise;
          return item.id;
        },
        { concurrency: 1, isStale: (item) => item.id === 1, onDiscard: (item) => discarded.push(item.id) },
      ),
    ),
  );
  await flush();
  assert.equal(state.completed, false);
  gate.resolve();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(state.values, [0]);
  assert.deepEqual(discarded, [1]);
});

test('a rejected projection errors the output and tears down the rest', async () => {
  const source = new Subject<Item>();
  let otherTornDown = false;
  const projected: number[] = [];
  const failure = new Error('boom');
  const gate = deferred();
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOf,
        (item): Observable<number> | Promise<number> => {
          projected.push(item.id);
          if (item.id === 1) {
            return new Observable<number>(() => () => {
              otherTornDown = true;
            });
          }
          return gate.promise.then(() => {
            throw failure;
          });
        },
        { concurrency: 4 },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 }); // never completes on its own
  source.next({ lane: 'b', id: 2 }); // rejects
  source.next({ lane: 'b', id: 3 }); // queued behind the failure
  gate.resolve();
  await done;
  assert.equal(state.errored, true);
  assert.equal(state.error, failure);
  assert.equal(state.completed, false);
  assert.equal(otherTornDown, true, 'the other running projection is unsubscribed');
  assert.equal(source.observed, false, 'the source is unsubscribed');
  source.next({ lane: 'c', id: 4 });
  await flush();
  assert.deepEqual(projected, [1, 2], 'nothing starts after the error');
});

test('an erroring observable projection errors the output', async () => {
  const failure = new Error('sync-observable-error');
  const { state, done } = collect(
    from(items(['a', 'b'], 2)).pipe(
      laneMap(laneOf, (item) => (item.id === 1 ? throwError(() => failure) : of(item.id)), { concurrency: 2 }),
    ),
  );
  await done;
  assert.equal(state.errored, true);
  assert.equal(state.error, failure);
  assert.deepEqual(state.values, [0]);
});

test('a projection that throws synchronously errors the output (like mergeMap)', async () => {
  const failure = new Error('thrown-by-project');
  const unhandled: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => unhandled.push(error);
  try {
    const { state } = collect(
      from(items(['a'], 2)).pipe(
        laneMap(
          laneOf,
          (item): Promise<number> => {
            if (item.id === 0) throw failure;
            return Promise.resolve(item.id);
          },
          { concurrency: 1 },
        ),
      ),
    );
    await delay(5);
    assert.deepEqual(unhandled, [], 'the error must not escape as an unhandled error');
    assert.equal(state.errored, true, 'the output must error');
    assert.equal(state.error, failure);
  } finally {
    config.onUnhandledError = previous;
  }
});

test('a source error errors the output', async () => {
  const failure = new Error('source');
  const source = new Subject<Item>();
  const { state, done } = collect(source.pipe(laneMap(laneOf, async (item) => item.id, { concurrency: 1 })));
  source.next({ lane: 'a', id: 1 });
  source.error(failure);
  await done;
  assert.equal(state.errored, true);
  assert.equal(state.error, failure);
});

test('unsubscribing tears down the source, the purge subscription and running projections', async () => {
  const source = new Subject<Item>();
  const purge = new Subject<void>();
  const tornDown: number[] = [];
  const { state, subscription } = collect(
    source.pipe(
      laneMap(
        laneOf,
        (item) =>
          new Observable<number>(() => () => {
            tornDown.push(item.id);
          }),
        // Nothing is stale: both values start (an idle lane's stale value would be discarded at once).
        { concurrency: 4, purge, isStale: () => false },
      ),
    ),
  );
  source.next({ lane: 'a', id: 1 });
  source.next({ lane: 'b', id: 2 });
  assert.equal(source.observed, true);
  assert.equal(purge.observed, true);
  subscription.unsubscribe();
  assert.equal(source.observed, false);
  assert.equal(purge.observed, false);
  assert.deepEqual(
    tornDown.sort((x, y) => x - y),
    [1, 2],
  );
  assert.equal(state.completed, false);
  assert.equal(state.errored, false);
});

test('laneOf is called once per value and project receives the original value', async () => {
  const seen: Item[] = [];
  const laneCalls: Item[] = [];
  const input = items(['a', 'b'], 2);
  const { done } = collect(
    from(input).pipe(
      laneMap(
        (item: Item) => {
          laneCalls.push(item);
          return item.lane;
        },
        async (item) => {
          seen.push(item);
        },
        { concurrency: 2 },
      ),
    ),
  );
  await done;
  assert.equal(laneCalls.length, input.length);
  for (const item of input) {
    assert.ok(laneCalls.includes(item));
    assert.ok(seen.includes(item), 'same object identity');
  }
});

// Values without a lane (`laneOf` returns null: unordered handlers) share one FIFO and run in parallel.
interface FreeItem {
  lane: string | null;
  id: number;
}
const laneOrNull = (item: FreeItem) => item.lane;

test('null-lane values run in parallel up to the concurrency, in arrival order, and all complete', async () => {
  let active = 0;
  let maxActive = 0;
  const started: number[] = [];
  const input: FreeItem[] = Array.from({ length: 50 }, (_, id) => ({ lane: null, id }));
  const { state, done } = collect(
    from(input).pipe(
      laneMap(
        laneOrNull,
        async (item) => {
          started.push(item.id);
          active += 1;
          maxActive = Math.max(maxActive, active);
          await delay(1);
          active -= 1;
          return item.id;
        },
        { concurrency: 4 },
      ),
    ),
  );
  await done;
  assert.equal(state.completed, true);
  assert.equal(state.values.length, 50);
  assert.equal(maxActive, 4, 'no lane serializes them: the concurrency is used fully, never passed');
  assert.deepEqual(
    started,
    input.map((i) => i.id),
    'started in arrival order',
  );
});

test('null-lane values and lanes share the slots: neither starves the other', async () => {
  const started: Array<string | null> = [];
  const input: FreeItem[] = [
    ...Array.from({ length: 10 }, (_, id) => ({ lane: null, id })),
    ...Array.from({ length: 3 }, (_, i) => ({ lane: `lane-${i}`, id: 10 + i })),
  ];
  const { done } = collect(
    from(input).pipe(
      laneMap(
        laneOrNull,
        async (item) => {
          started.push(item.lane);
          await delay(2);
          return item.id;
        },
        { concurrency: 2 },
      ),
    ),
  );
  await done;
  const firstLaned = started.findIndex((lane) => lane !== null);
  assert.ok(firstLaned >= 0 && firstLaned < 6, `a laned value started within the first turns: ${started.join(',')}`);
  assert.equal(started.length, 13);
});

test('null-lane values: stale ones are discarded at the front and by a purge, with onDiscard', async () => {
  const stale = new Set<number>();
  const discarded: number[] = [];
  const purge = new Subject<void>();
  const gate = deferred();
  const source = new Subject<FreeItem>();
  const ran: number[] = [];
  const { state, done } = collect(
    source.pipe(
      laneMap(
        laneOrNull,
        async (item) => {
          ran.push(item.id);
          if (item.id === 0) await gate.promise;
          return item.id;
        },
        { concurrency: 1, isStale: (item) => stale.has(item.id), onDiscard: (item) => discarded.push(item.id), purge },
      ),
    ),
  );
  for (let id = 0; id < 6; id++) source.next({ lane: null, id });
  stale.add(2);
  stale.add(4);
  purge.next(); // 0 runs; 2 and 4 wait behind it: dropped now, without waiting for a slot
  assert.deepEqual(discarded.sort(), [2, 4]);
  stale.add(5); // stale by the time it reaches the front
  gate.resolve();
  source.complete();
  await done;
  assert.equal(state.completed, true);
  assert.deepEqual(ran, [0, 1, 3]);
  assert.deepEqual(discarded.sort(), [2, 4, 5]);
});

test('null-lane values: unsubscribing tears down running observable projections', async () => {
  let torndown = 0;
  const running = new Observable<number>(() => () => {
    torndown += 1;
  });
  const { subscription } = collect(
    from([
      { lane: null, id: 1 },
      { lane: null, id: 2 },
    ] as FreeItem[]).pipe(laneMap(laneOrNull, () => running, { concurrency: 2 })),
  );
  await flush();
  subscription.unsubscribe();
  assert.equal(torndown, 2);
});

test('null-lane values with synchronously completing observable projections all complete', async () => {
  const input: FreeItem[] = Array.from({ length: 20 }, (_, id) => ({ lane: id % 2 === 0 ? null : `lane-${id}`, id }));
  const { state, done } = collect(from(input).pipe(laneMap(laneOrNull, (item) => of(item.id), { concurrency: 3 })));
  await done;
  assert.equal(state.errored, false, String(state.error));
  assert.equal(state.completed, true);
  assert.deepEqual(
    [...state.values].sort((a, b) => a - b),
    input.map((i) => i.id),
  );
});
