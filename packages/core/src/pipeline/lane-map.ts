import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

export interface LaneMapOptions<T> {
  /** Most projections running at once across all lanes. */
  concurrency: number;
  /** Checked when a value reaches the front of its lane: stale values are discarded unstarted. */
  isStale?: (value: T) => boolean;
  /** Called for every discarded value (to release its accounting). */
  onDiscard?: (value: T) => void;
  /** Each emission discards every queued value that `isStale` now rejects, without waiting for a slot. */
  purge?: Observable<unknown>;
}

/** The lane of values without an order constraint: any number of them may run at once. */
const FREE = Symbol('free');

/**
 * Maps each value through `project`, one at a time per lane and lanes in parallel.
 *
 * Guarantees:
 * - values with the same lane (`laneOf`) are projected in arrival order, each starting only after
 *   the previous one's projection completed (like `concatMap` per lane);
 * - at most `concurrency` projections are active at once (like `mergeMap(…, concurrency)`), and a
 *   lane waiting for a slot never blocks another lane's queue from being purged;
 * - stale values (`isStale`) are discarded unstarted when they reach the front of their lane, and
 *   all at once, wherever they are queued, when `purge` emits;
 * - a lane's state is dropped as soon as it is empty and idle, so distinct keys do not accumulate;
 * - values whose lane is `null` have no order constraint: they wait in one shared FIFO and run
 *   as slots free up (like `mergeMap`), taking turns with the lanes;
 * - completes after the source completed and every lane drained.
 */
export function laneMap<T, R>(
  laneOf: (value: T) => string | null,
  project: (value: T) => ObservableInput<R>,
  options: LaneMapOptions<T>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const lanes = new Map<string, T[]>(); // queued values per lane; a lane with an entry may be running
      const running = new Set<string>(); // lanes whose head value is being projected
      const ready = new Set<string | typeof FREE>(); // lanes with queued work waiting for a slot, in arrival order
      // Values without a lane: one queue, no per-value lane bookkeeping (a Map entry and a key per
      // message cost more than the no-op handler they schedule).
      const free: T[] = [];
      let freeRunning = 0;
      const freeActive = new Set<Subscription>();
      let starting = false; // startNext is running: a nested call (a synchronous completion) leaves it to the loop
      const active = new Map<string, Subscription>();
      let isSourceComplete = false;

      const discardStale = (lane: string, queue: T[]) => {
        if (!options.isStale) return;
        while (queue.length > 0 && options.isStale(queue[0] as T)) {
          const stale = queue.shift() as T; // not inside `onDiscard?.(…)`: without onDiscard it would never run
          options.onDiscard?.(stale);
        }
        if (queue.length === 0 && !running.has(lane)) dropLane(lane);
      };

      const dropLane = (lane: string) => {
        lanes.delete(lane);
        ready.delete(lane);
      };

      const checkComplete = () => {
        if (isSourceComplete && running.size === 0 && lanes.size === 0 && freeRunning === 0 && free.length === 0)
          subscriber.complete();
      };

      const discardStaleFree = () => {
        if (!options.isStale) return;
        while (free.length > 0 && options.isStale(free[0] as T)) {
          const stale = free.shift() as T; // not inside `onDiscard?.(…)`: without onDiscard it would never run
          options.onDiscard?.(stale);
        }
      };

      const startNext = () => {
        // Not re-entrant: a projection that completes synchronously calls back in here; the loop
        // below picks up the slot it freed, so a long synchronous backlog never deepens the stack.
        if (starting) return;
        starting = true;
        try {
          while (running.size + freeRunning < options.concurrency && ready.size > 0) {
            const lane = ready.values().next().value as string | typeof FREE;
            ready.delete(lane);
            if (lane === FREE) {
              discardStaleFree();
              if (free.length === 0) continue;
              startFree(free.shift() as T);
              if (free.length > 0) ready.add(FREE); // back of the line: lanes get their turns too
              continue;
            }
            const queue = lanes.get(lane);
            if (!queue || running.has(lane)) continue;
            discardStale(lane, queue);
            if (queue.length === 0) continue;
            start(lane, queue.shift() as T);
          }
        } finally {
          starting = false;
        }
      };

      const laneDone = (lane: string) => {
        running.delete(lane);
        active.delete(lane);
        const rest = lanes.get(lane);
        if (rest && rest.length > 0) ready.add(lane);
        else dropLane(lane);
        startNext();
        checkComplete();
      };

      const start = (lane: string, value: T) => {
        running.add(lane);
        let finished = false;
        let input: ObservableInput<R>;
        try {
          input = project(value);
        } catch (err) {
          subscriber.error(err); // like mergeMap: a throwing projection errors the output
          return;
        }
        // A promise (the usual projection) is awaited directly: wrapping each value in an
        // Observable and a subscription cost more than the lane bookkeeping itself.
        if (input instanceof Promise) {
          input.then(
            (result) => {
              if (subscriber.closed) return;
              subscriber.next(result);
              laneDone(lane);
            },
            (err) => subscriber.error(err),
          );
          return;
        }
        const subscription = from(input).subscribe({
          next: (result) => subscriber.next(result),
          error: (err) => subscriber.error(err),
          complete: () => {
            finished = true;
            laneDone(lane);
          },
        });
        if (!finished) active.set(lane, subscription);
      };

      const freeDone = () => {
        freeRunning -= 1;
        startNext();
        checkComplete();
      };

      const startFree = (value: T) => {
        freeRunning += 1;
        let input: ObservableInput<R>;
        try {
          input = project(value);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        if (input instanceof Promise) {
          input.then(
            (result) => {
              if (subscriber.closed) return;
              subscriber.next(result);
              freeDone();
            },
            (err) => subscriber.error(err),
          );
          return;
        }
        let finished = false;
        const subscription = from(input).subscribe({
          next: (result) => subscriber.next(result),
          error: (err) => subscriber.error(err),
          complete: () => {
            finished = true;
            freeActive.delete(subscription);
            freeDone();
          },
        });
        if (!finished) freeActive.add(subscription);
      };

      // A purge drops every stale queued value, wherever it sits in its lane (on revoke the stale
      // ones trail the ones that must still run), so their accounting is released at once.
      const purgeSubscription = options.purge?.subscribe(() => {
        const isStale = options.isStale;
        if (!isStale) return;
        for (const [lane, queue] of lanes) {
          const kept = queue.filter((value) => {
            if (!isStale(value)) return true;
            options.onDiscard?.(value);
            return false;
          });
          queue.splice(0, queue.length, ...kept);
          if (queue.length === 0 && !running.has(lane)) dropLane(lane);
        }
        const keptFree = free.filter((value) => {
          if (!isStale(value)) return true;
          options.onDiscard?.(value);
          return false;
        });
        free.splice(0, free.length, ...keptFree);
        checkComplete();
      });

      const sourceSubscription = source.subscribe({
        next: (value) => {
          const lane = laneOf(value);
          if (lane === null) {
            free.push(value);
            ready.add(FREE);
            startNext();
            return;
          }
          let queue = lanes.get(lane);
          if (!queue) {
            queue = [];
            lanes.set(lane, queue);
          }
          queue.push(value);
          if (!running.has(lane)) ready.add(lane);
          startNext();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          isSourceComplete = true;
          checkComplete();
        },
      });

      return () => {
        sourceSubscription.unsubscribe();
        purgeSubscription?.unsubscribe();
        for (const subscription of active.values()) subscription.unsubscribe();
        for (const subscription of freeActive) subscription.unsubscribe();
      };
    });
}
