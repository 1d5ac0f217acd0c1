import type { OffsetReader } from './kafka-offsets.js';

/** What one dead-letter topic holds now. */
export interface DeadLetterTopic {
  topic: string;
  /** The source topic it is the DLQ of. */
  source: string;
  /** Σ (end − start) over its partitions: the messages it holds (retention may have removed older ones). */
  messages: number;
}

export interface DeadLetterCount {
  topics: DeadLetterTopic[];
  total: number;
}

/** `deadLetter()`'s default naming: the DLQ of `t` is `t.dlq`. */
export const dlqTopicOf = (source: string) => `${source}.dlq`;

/** The DLQ topics of `sources` that exist among `existing`, as [dlq, source] pairs. */
export function dlqTopicsOf(sources: Iterable<string>, existing: ReadonlySet<string>): Array<[string, string]> {
  return [...new Set(sources)]
    .filter((source) => existing.has(dlqTopicOf(source)))
    .sort()
    .map((source) => [dlqTopicOf(source), source]);
}

/** Messages held by a topic whose partitions have these watermarks. */
export const heldMessages = (watermarks: Array<{ low: number; high: number }>) =>
  watermarks.reduce((n, w) => n + Math.max(0, w.high - Math.max(0, w.low)), 0);

/**
 * Counts what the dead-letter topics of `sources` hold, from the broker's offsets: the number
 * does not depend on which instances are running or since when (unlike
 * `tributary_messages_dead_lettered_total`, which lives and dies with each process).
 */
export async function countDeadLetters(reader: OffsetReader, sources: Iterable<string>): Promise<DeadLetterCount> {
  const all = await reader.topics();
  const topics: DeadLetterTopic[] = [];
  for (const [topic, source] of dlqTopicsOf(sources, new Set(all.keys()))) {
    const watermarks = await reader.watermarks(topic, all.get(topic) as number);
    topics.push({ topic, source, messages: heldMessages(watermarks) });
  }
  return { topics, total: topics.reduce((n, t) => n + t.messages, 0) };
}
