/** A partition of a topic: the unit of ownership, ordering and commits. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A position to commit: the offset of the next message to consume. */
export interface CommitOffset extends TopicPartition {
  offset: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

/** `topic/partition` names, for log lines. */
export const partitionNames = (partitions: readonly TopicPartition[]): string[] =>
  partitions.map((p) => partitionKey(p.topic, p.partition));
