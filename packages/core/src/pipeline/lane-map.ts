import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';
import { LaneFill } from './lane-fill.js';
import type { LaneMapOptions } from './lane-map-options.js';
import { Lane, ReadyLanes, takeBatch } from './lane-queue.js';
import { type LaneSlot, Slot, type SlotPool } from './lane-slot.js';

export type { LaneMapOptions, LaneView } from './lane-map-options.js';
export type { LaneSlot } from './lane-slot.js';

/**
 * Maps each value through `project`, one at a time per lane and lanes in parallel.
 *
 * Guarantees:
 * - values with the same lane (`laneOf`) are projected in arrival order, each starting only after
 *   the previous one's projection completed (like `concatMap` per lane);
 * - at most `concurrency` projections are active at once (like `mergeMap(…, concurrency)`), and a
 *   lane waiting for a slot never blocks another lane's queue from being purged; a projection that
 *   released its `LaneSlot` is not active (its lane stays held) until it reacquired it, and
 *   reacquiring goes before every lane waiting for a slot;
 * - stale values (`isStale`) are discarded unstarted when they reach the front of their lane, and
 *   all at once, wherever they are queued, when `purge` emits;
 * - a lane's state is dropped as soon as it is empty and idle, so distinct keys do not accumulate;
 * - values whose lane is `null` have no order constraint: they wait in one shared FIFO and run
 *   as slots free up (like `mergeMap`), taking turns with the lanes;
 * - completes after the source completed and every lane drained.
 */
export function laneMap<T, R>(
  laneOf: (value: T) => string | null,
  project: (value: T, slot: LaneSlot) => ObservableInput<R>,
  options: LaneMapOptions<T, R>,
): OperatorFunction<T, R> {
  return laneMapOf(laneOf, project, options, false) as OperatorFunction<T, R>;
}

/**
 * `laneMap` over the values of every array the source emits (a poll's messages), as if each were
 * emitted alone: no inner subscription per array (`mergeMap`) and one scheduling pass per array.
 */
export function laneMapEach<T, R>(
  laneOf: (value: T) => string | null,
  project: (value: T, slot: LaneSlot) => ObservableInput<R>,
  options: LaneMapOptions<T, R>,
): OperatorFunction<readonly T[], R> {
  return laneMapOf(laneOf, project, options, true) as OperatorFunction<readonly T[], R>;
}

function laneMapOf<T, R>(
  laneOf: (value: T) => string | null,
  project: (value: T, slot: LaneSlot) => ObservableInput<R>,
  options: LaneMapOptions<T, R>,
  arrays: boolean,
): OperatorFunction<T | readonly T[], R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const lanes = new Map<string, Lane<T>>(); // lanes with queued or running values, by key
      const ready = new ReadyLanes<T>(); // lanes with queued work waiting for a slot, in arrival order
      // Values without a lane: one queue, no per-value lane bookkeeping (a Map entry and a key per
      // message cost more than the no-op handler they schedule).
      const free = new Lane<T>(null);
      let freeRunning = 0;
      let laneRunning = 0;
      let starting = false; // startNext is running: a nested call (a synchronous completion) leaves it to the loop
      const active = new Set<Subscription>(); // running observable projections, torn down on unsubscribe
      let isSourceComplete = false;
      const filling = new LaneFill((key) => {
        const lane = lanes.get(key);
        if (lane && !lane.running) ready.add(lane);
        startNext();
      });
      const slots: SlotPool = { released: 0, reacquiring: [], startNext: () => startNext() };
      const busy = () => laneRunning + freeRunning - slots.released;

      /** Discards the stale values at the front of a queue (the value behind them runs next). */
      const discardStaleHead = (queue: T[]) => {
        if (!options.isStale) return;
        while (queue.length > 0 && options.isStale(queue[0] as T)) {
          const stale = queue.shift() as T; // not inside `onDiscard?.(…)`: without onDiscard it would never run
          options.onDiscard?.(stale);
        }
      };

      /** Discards every stale value of a queue, wherever it sits. */
      const discardAllStale = (queue: T[], isStale: (value: T) => boolean) => {
        const kept = queue.filter((value) => {
          if (!isStale(value)) return true;
          options.onDiscard?.(value);
          return false;
        });
        queue.splice(0, queue.length, ...kept);
      };

      const dropLane = (lane: Lane<T>) => {
        lanes.delete(lane.key as string);
        lane.dropped = true;
        filling.stop(lane.key as string);
      };

      const checkComplete = () => {
        if (isSourceComplete && laneRunning === 0 && lanes.size === 0 && freeRunning === 0 && free.queue.length === 0)
          subscriber.complete();
      };

      const startNext = () => {
        // Not re-entrant: a projection that completes synchronously calls back in here; the loop
        // below picks up the slot it freed, so a long synchronous backlog never deepens the stack.
        if (starting) return;
        starting = true;
        try {
          while (slots.reacquiring.length > 0 && busy() < options.concurrency) {
            (slots.reacquiring.shift() as Slot).take();
          }
          while (busy() < options.concurrency) {
            const lane = ready.take();
            if (!lane) break;
            const { queue } = lane;
            if (lane === free) {
              discardStaleHead(queue);
              if (queue.length === 0) continue;
              freeRunning += 1;
              launch(queue.shift() as T, lane);
              if (queue.length > 0) ready.add(free); // back of the line: lanes get their turns too
              continue;
            }
            if (lane.running) continue;
            discardStaleHead(queue);
            if (queue.length === 0) {
              dropLane(lane);
              continue;
            }
            const batch = options.batchOf?.(queue[0] as T);
            if (batch) {
              const key = lane.key as string;
              // A short batch runs when it fills (an arrival) or after its wait.
              if (queue.length < batch.maxSize && batch.waitMs >= 1 && !isSourceComplete && !filling.isOver(key)) {
                filling.wait(key, batch.waitMs);
                continue;
              }
              filling.stop(key);
              const values = takeBatch(queue, batch.maxSize, options.isStale);
              run(lane, values[0] as T);
              launchPromise(
                (slot) => (options.projectBatch as NonNullable<typeof options.projectBatch>)(values, slot),
                lane,
              );
              continue;
            }
            const value = queue.shift() as T;
            run(lane, value);
            launch(value, lane);
          }
        } finally {
          starting = false;
        }
      };

      const run = (lane: Lane<T>, head: T) => {
        lane.running = true;
        lane.head = head;
        laneRunning += 1;
      };

      /** A projection of `lane` completed: its slot is free, the lane's next value may run. */
      const done = (lane: Lane<T>) => {
        if (lane === free) freeRunning -= 1;
        else {
          lane.running = false;
          lane.head = undefined;
          laneRunning -= 1;
          if (lane.queue.length > 0) ready.add(lane);
          else dropLane(lane);
        }
        startNext();
        checkComplete();
      };

      /** Projects `value` and forwards its results; its lane is done once it completed. */
      const launch = (value: T, lane: Lane<T>) => {
        const slot = new Slot(slots);
        let input: ObservableInput<R>;
        try {
          input = project(value, slot);
        } catch (err) {
          subscriber.error(err); // like mergeMap: a throwing projection errors the output
          return;
        }
        // A promise (the usual projection) is awaited directly: wrapping each value in an
        // Observable and a subscription cost more than the lane bookkeeping itself.
        if (input instanceof Promise) {
          settle(input, slot, lane);
          return;
        }
        let finished = false;
        let subscription: Subscription | undefined; // unset while an observable completes synchronously
        subscription = from(input).subscribe({
          next: (result) => subscriber.next(result),
          error: (err) => subscriber.error(err),
          complete: () => {
            finished = true;
            if (subscription) active.delete(subscription);
            slot.settle();
            done(lane);
          },
        });
        if (!finished) active.add(subscription);
      };

      const settle = (input: Promise<R>, slot: Slot, lane: Lane<T>) => {
        input.then(
          (result) => {
            if (subscriber.closed) return;
            subscriber.next(result);
            slot.settle();
            done(lane);
          },
          (err) => subscriber.error(err),
        );
      };

      const launchPromise = (project: (slot: LaneSlot) => Promise<R>, lane: Lane<T>) => {
        const slot = new Slot(slots);
        let input: Promise<R>;
        try {
          input = project(slot);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        settle(input, slot, lane);
      };

      // A purge drops every stale queued value, wherever it sits in its lane (on revoke the stale
      // ones trail the ones that must still run), so their accounting is released at once.
      const purgeSubscription = options.purge?.subscribe(() => {
        const isStale = options.isStale;
        if (!isStale) return;
        for (const lane of lanes.values()) {
          discardAllStale(lane.queue, isStale);
          if (lane.queue.length === 0 && !lane.running) dropLane(lane);
        }
        discardAllStale(free.queue, isStale);
        checkComplete();
      });

      options.inspect?.(() => {
        const running = new Map<string, T>();
        const queued = new Map<string, readonly T[]>();
        for (const [key, lane] of lanes) {
          if (lane.running) running.set(key, lane.head as T);
          queued.set(key, lane.queue);
        }
        return { running, queued };
      });
      let arrivals = 0;
      const enqueue = (value: T) => {
        const key = laneOf(value);
        if (options.sample && (++arrivals & 7) === 0 && key !== null) options.sample(key, value);
        if (key === null) {
          free.queue.push(value);
          ready.add(free);
          return;
        }
        let lane = lanes.get(key);
        if (!lane) {
          lane = new Lane(key);
          lanes.set(key, lane);
        }
        lane.queue.push(value);
        if (!lane.running) ready.add(lane);
      };
      const sourceSubscription = source.subscribe({
        next: (input) => {
          if (arrays) for (const value of input as readonly T[]) enqueue(value);
          else enqueue(input as T);
          startNext();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          isSourceComplete = true;
          // Lanes waiting for their batch to fill run now: nothing more will arrive.
          for (const key of filling.stopAll()) {
            const lane = lanes.get(key);
            if (lane && !lane.running) ready.add(lane);
          }
          startNext();
          checkComplete();
        },
      });

      return () => {
        filling.stopAll();
        sourceSubscription.unsubscribe();
        purgeSubscription?.unsubscribe();
        for (const subscription of active) subscription.unsubscribe();
      };
    });
}
