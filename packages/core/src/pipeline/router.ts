import type { Ordering } from '../config/schema.js';

interface Routable {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
}

/**
 * The lane a message runs in. Messages of one lane run one at a time, in order:
 * - `partition`: the partition — strict order per partition, partitions in parallel;
 * - `key`: the partition and key — order per key, keys in parallel (a null key is its own lane);
 * - `unordered`: none (`null`) — no order, bounded only by concurrency.
 * `partitionLane` is the message's `topic/partition` when the caller holds it built (its
 * `OwnedPartition.key`): building it per message cost a string and its hash for every lookup.
 */
export function laneOf(
  message: Routable,
  ordering: Ordering,
  partitionLane = `${message.topic}/${message.partition}`,
): string | null {
  switch (ordering) {
    case 'partition':
      return partitionLane;
    case 'key':
      return message.key === null ? `${partitionLane}/∅` : `${partitionLane}/k:${message.key}`;
    case 'unordered':
      return null;
  }
}

/** A message's ordering: its handler's, else the group's; a batch is of one partition or one key, never unordered. */
export function orderingOf(
  m: { handler: { ordering?: Ordering; batch?: unknown } },
  groupOrdering: Ordering,
): Ordering {
  const ordering = m.handler.ordering ?? groupOrdering;
  return ordering === 'unordered' && m.handler.batch ? 'partition' : ordering;
}
