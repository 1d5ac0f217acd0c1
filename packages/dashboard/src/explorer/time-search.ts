/** The first message at or after an offset: its offset and timestamp (ms), or undefined past the end. */
export type Probe = (offset: number) => Promise<{ offset: number; timestamp: number } | undefined>;

/**
 * The first offset in [low, high) whose message has a timestamp ≥ `time` (`high` if none), by
 * binary search over messages read one at a time: for brokers that do not answer ListOffsets by
 * timestamp (librdkafka's mock cluster, hence the embedded broker, answers -1). Like Kafka's time
 * index it assumes timestamps rise with offsets, which producer CreateTime roughly does; O(log n) reads.
 */
export async function searchOffsetForTime(time: number, low: number, high: number, probe: Probe): Promise<number> {
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const found = await probe(mid);
    if (!found || found.offset >= hi) hi = mid;
    else if (found.timestamp >= time) hi = Math.min(mid, found.offset);
    else lo = found.offset + 1;
  }
  return lo;
}
