import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { HandlerDefinition } from '../model/definitions.js';

/** A topic's handler: its own, or a pattern's (`HandlerRouter`). */
export interface HandlerLookup {
  get(topic: string): HandlerDefinition | undefined;
}

import type { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import { PipelineMessage } from './message-envelope.js';

/**
 * Lets fetched messages into the pipeline: only those of partitions this member owns and is not
 * revoking (a batch fetched before a revoke belongs to the next owner), with a handler for their
 * topic. Each admitted message is counted in its partition (`inMemory`) and its offset recorded
 * as delivered, so the partition's commit cannot pass it until it is done.
 */
export function admit(
  batch: readonly RawMessage[],
  assignment: Assignment,
  handlersByTopic: HandlerLookup,
  now = Date.now(),
): PipelineMessage[] {
  const admitted: PipelineMessage[] = [];
  // A batch comes in runs of one partition: look its state up once per run, not per message.
  let runTopic: string | undefined;
  let runPartition = -1;
  let owner: OwnedPartition | undefined;
  let handler: HandlerDefinition | undefined;
  for (const raw of batch) {
    if (raw.partition !== runPartition || raw.topic !== runTopic) {
      runTopic = raw.topic;
      runPartition = raw.partition;
      owner = assignment.get(raw.topic, raw.partition);
      handler = handlersByTopic.get(raw.topic);
    }
    if (!owner || owner.leaving || !handler) continue;
    owner.admitted(raw.offset);
    const message = new PipelineMessage(raw, handler, owner);
    message.admittedAt = now;
    admitted.push(message);
  }
  return admitted;
}
