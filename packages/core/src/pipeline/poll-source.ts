import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import { Observable } from 'rxjs';

/**
 * An Observable of fetched batches. Each turn asks `nextBatchSize()` how many messages fit
 * (backpressure decided by the caller, which also pauses partitions; 0 when nothing can arrive,
 * negative when the caller wants no poll this turn) and calls `fetch(n)`.
 * It keeps polling even when nothing fits — with everything paused a poll returns nothing, but
 * still serves rebalance callbacks and keeps the member inside `max.poll.interval.ms`.
 * Completes when `isStopped()` turns true.
 */
export function pollSource(
  fetch: (max: number) => Promise<RawMessage[]>,
  nextBatchSize: () => number,
  isStopped: () => boolean,
): Observable<RawMessage[]> {
  return new Observable<RawMessage[]>((subscriber) => {
    let cancelled = false;
    const loop = async () => {
      while (!cancelled && !isStopped()) {
        const batch = await fetch(nextBatchSize());
        if (cancelled) return;
        if (batch.length > 0) subscriber.next(batch);
        // Let completions, timers and I/O run between polls.
        await new Promise((resolve) => setImmediate(resolve));
      }
      subscriber.complete();
    };
    loop().catch((err) => subscriber.error(err));
    return () => {
      cancelled = true;
    };
  });
}
