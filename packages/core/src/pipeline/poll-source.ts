import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import { Observable } from 'rxjs';

/**
 * An Observable of fetched batches. Each turn asks `nextBatchSize()` how many messages fit
 * (backpressure decided by the caller, which also pauses partitions; 0 when nothing can arrive,
 * negative when the caller wants no poll this turn) and calls `fetch(n)`.
 * It keeps polling even when nothing fits — with everything paused a poll returns nothing, but
 * still serves rebalance callbacks and keeps the member inside `max.poll.interval.ms`.
 * Right after a batch went out, `pollAhead()` may ask for the next poll at once (its size; ≤ 0:
 * none), before the batch's handlers ran — see `pollAheadSize`.
 * Completes when `isStopped()` turns true.
 */
export function pollSource(
  fetch: (max: number) => Promise<RawMessage[]>,
  nextBatchSize: () => number,
  isStopped: () => boolean,
  pollAhead: () => number = () => 0,
): Observable<RawMessage[]> {
  return new Observable<RawMessage[]>((subscriber) => {
    let cancelled = false;
    const loop = async () => {
      let ahead = 0;
      while (!cancelled && !isStopped()) {
        const batch = await fetch(ahead > 0 ? ahead : nextBatchSize());
        if (cancelled) return;
        ahead = 0;
        if (batch.length > 0) {
          subscriber.next(batch);
          ahead = pollAhead();
        }
        // Let completions, timers and I/O run before the next poll is planned. A poll ahead goes out
        // at once; its answer comes back as I/O, after the batch's microtasks ran.
        if (ahead <= 0) await new Promise((resolve) => setImmediate(resolve));
      }
      subscriber.complete();
    };
    loop().catch((err) => subscriber.error(err));
    return () => {
      cancelled = true;
    };
  });
}
