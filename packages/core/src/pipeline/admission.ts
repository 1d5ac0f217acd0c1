import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import type { HandlerDefinition } from '../model/definitions.js';

/** A topic's handler: its own, or a pattern's (`HandlerRouter`). */
export interface HandlerLookup {
  get(topic: string): HandlerDefinition | undefined;
}

import type { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';
import { PipelineMessage } from './message-envelope.js';

/**
 * Messages a poll brought again: offsets their partition's tracker already holds. librdkafka (2.15)
 * can restart a partition at its reset offset after it began fetching: a partition without a
 * committed offset looks its start up (ListOffsets); a pause or resume meanwhile makes the answer in
 * flight "outdated", which re-arms an offset-query timer even when a newer lookup is in flight, and
 * that timer still fires once the newer one succeeded and the partition is fetching ("timed offset
 * query … in state active"), so fetching starts over at BEGINNING (seen: offset 0 again after 49,
 * with backpressure pausing partitions at startup). The copy already in the pipeline (pending or
 * done) is the one that counts; the repeat is skipped and logged as a warning once per partition
 * and batch, never per message.
 */
export class Redeliveries {
  private readonly skipped = new Map<OwnedPartition, { first: number; last: number; count: number }>();

  skip(owner: OwnedPartition, offset: number): void {
    const run = this.skipped.get(owner);
    if (!run) this.skipped.set(owner, { first: offset, last: offset, count: 1 });
    else {
      run.first = Math.min(run.first, offset);
      run.last = Math.max(run.last, offset);
      run.count += 1;
    }
  }

  flush(logger: Logger): void {
    if (this.skipped.size === 0) return;
    for (const [owner, { first, last, count }] of this.skipped) {
      logger.warn(
        { topic: owner.tp.topic, partition: owner.tp.partition, firstOffset: first, lastOffset: last, count },
        `skipped ${count} redelivered message(s) of ${owner.tp.topic}/${owner.tp.partition} already in the pipeline`,
      );
    }
    this.skipped.clear();
  }
}

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
  redeliveries?: Redeliveries,
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
    if (!owner.admitted(raw.offset)) {
      redeliveries?.skip(owner, raw.offset);
      continue;
    }
    const message = new PipelineMessage(raw, handler, owner);
    message.admittedAt = now;
    admitted.push(message);
  }
  return admitted;
}
