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
 */
export function laneOf(message: Routable, ordering: Ordering): string | null {
  switch (ordering) {
    case 'partition':
      return `${message.topic}/${message.partition}`;
    case 'key':
      return message.key === null
        ? `${message.topic}/${message.partition}/∅`
        : `${message.topic}/${message.partition}/k:${message.key}`;
    case 'unordered':
      return null;
  }
}
