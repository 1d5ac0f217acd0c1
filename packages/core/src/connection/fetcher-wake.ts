import type { CommitOffset, TopicPartition } from '../model/topic-partition.js';

/** ListOffsets "latest" (`offsetsForTimes` takes the timestamp in the offset field). */
const OFFSET_END = -1;
/**
 * Bounds one wake-up request: the binding holds its connection lock while it waits, so a leader that
 * is down would otherwise delay a disconnect and tie up a libuv thread for long.
 */
const WAKE_TIMEOUT_MS = 1_000;

type ListOffsets = (partitions: CommitOffset[], timeoutMs: number, done: () => void) => void;

/**
 * librdkafka (2.15) resumes a partition on its main thread without waking the broker thread that
 * fetches it; with every partition of that broker paused, the thread sleeps up to 1 s before it
 * sees the resume (its longest block), so a consumer that paused everything for backpressure
 * stood still ~0.8 s per resume (measured: 800 ms → 10 ms with this). Any request to the leaders
 * wakes them: a ListOffsets for the latest offsets, whose answer is unused. One request is in
 * flight at a time; partitions resumed meanwhile go into the next.
 */
export class FetcherWake {
  private inFlight = false;
  private readonly pending = new Map<string, TopicPartition>();

  constructor(
    private readonly listOffsets: ListOffsets,
    private readonly onError: (error: Error) => void,
  ) {}

  wake(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.pending.set(`${tp.topic}/${tp.partition}`, tp);
    if (this.inFlight || this.pending.size === 0) return;
    const latest = [...this.pending.values()].map(({ topic, partition }) => ({ topic, partition, offset: OFFSET_END }));
    this.pending.clear();
    this.inFlight = true;
    const done = () => {
      this.inFlight = false;
      this.wake([]);
    };
    try {
      this.listOffsets(latest, WAKE_TIMEOUT_MS, done);
    } catch (err) {
      this.inFlight = false;
      const error = err as Error & { code?: number };
      this.onError(Object.assign(new Error(`wake fetchers failed: ${error.message}`), { code: error.code }));
    }
  }
}
