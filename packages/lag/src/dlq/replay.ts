import { LagError, type OffsetReader } from '../kafka-offsets.js';
import { AcknowledgedProducer, type OutgoingRecord } from './acknowledged-producer.js';
import { type DlqEntry, type DlqFilter, matchesFilter, parseDlqMessage, replayHeaders } from './dlq-message.js';
import { KafkaIoError } from './kafka-io-error.js';
import { openTopic } from './open-topic.js';
import { RangeReader } from './range-reader.js';
import { ReplayProgress } from './replay-progress.js';

export interface ReplayOptions {
  brokers: string;
  dlqTopic: string;
  filter?: DlqFilter;
  /** Replay here instead of each entry's original topic. */
  to?: string;
  execute: boolean;
  timeoutMs: number;
  /** Called per batch (the CLI draws a progress line on stderr). */
  onProgress?: (progress: { scanned: number; total: number; replayed: number }) => void;
}

export interface ReplaySummary {
  replayed: number;
  alreadyReplayed: number;
  filteredOut: number;
  withoutOrigin: number;
  /** Entries left for a later run because the progress metadata was full. */
  deferred: number;
}

/** One entry replayed (or, in a dry run, to replay): where it is and where it goes; no bytes. */
export interface ReplayItem {
  topic: string;
  partition: number;
  offset: number;
  errorClass: string;
  /** `topic/partition` it was dead-lettered from, when its headers say. */
  from?: string;
  /** The topic (and partition, when kept) it is produced to. */
  to: string;
  bytes: number;
}

/** The consumer group in which replays of `dlqTopic` keep their progress (nobody joins it). */
export const replayGroup = (dlqTopic: string) => `tributary-dlq-replay.${dlqTopic}`;

/**
 * Replays a DLQ's entries to their original topics (or `to`): the original key, value and headers,
 * the DLQ's headers removed and the replay count raised. Progress is committed in `replayGroup`
 * after each batch's records were all acknowledged, so a second run replays nothing the first did
 * (a crash between acknowledgement and commit replays that batch again: at least once).
 */
export async function replayDlq(
  options: ReplayOptions,
  print: (line: string, item: ReplayItem) => void,
): Promise<ReplaySummary> {
  const { dlqTopic } = options;
  const group = replayGroup(dlqTopic);
  const open = await openTopic(options.brokers, group, dlqTopic, options.timeoutMs);
  let reader: RangeReader | undefined;
  let producer: AcknowledgedProducer | undefined;
  try {
    const committed = await open.offsets.committedWithMetadata(dlqTopic, open.partitionCount);
    const progress = committed.map((c, p) =>
      ReplayProgress.fromCommit(c.offset, c.metadata, open.watermarks[p]?.low ?? 0),
    );
    const targets = new TargetTopics(open.offsets);
    if (options.to) await targets.partitionCount(options.to);
    const ranges = progress.map((p, partition) => ({
      partition,
      from: p.position,
      until: open.watermarks[partition]?.high as number,
    }));
    const total = ranges.reduce((n, r) => n + Math.max(0, r.until - r.from), 0);
    const lastSeen = ranges.map((r) => r.from - 1);
    const summary: ReplaySummary = { replayed: 0, alreadyReplayed: 0, filteredOut: 0, withoutOrigin: 0, deferred: 0 };
    let scanned = 0;
    reader = await RangeReader.connect(options.brokers, options.timeoutMs);
    if (options.execute) producer = await AcknowledgedProducer.connect(options.brokers, options.timeoutMs);
    for await (const batch of reader.read(dlqTopic, ranges)) {
      const planned: Array<{ entry: DlqEntry; record: OutgoingRecord }> = [];
      for (const message of batch) {
        scanned++;
        const p = progress[message.partition] as ReplayProgress;
        // Offsets without a message (compaction, transaction markers) have nothing to replay.
        p.markDone((lastSeen[message.partition] as number) + 1, message.offset - 1);
        lastSeen[message.partition] = message.offset;
        const entry = parseDlqMessage(message);
        const target = options.to ?? entry.originalTopic;
        if (p.isDone(message.offset)) summary.alreadyReplayed++;
        else if (!matchesFilter(entry, options.filter)) summary.filteredOut++;
        else if (!target) summary.withoutOrigin++;
        else if (message.offset !== p.position && !p.hasRoom()) summary.deferred++;
        else planned.push({ entry, record: await targets.record(entry, target) });
      }
      for (const { entry, record } of planned) print(describe(entry, record, options.execute), item(entry, record));
      if (producer) {
        const failure = await produceBatch(producer, planned, progress, summary);
        await commitProgress(open.offsets, dlqTopic, progress); // what was acknowledged, even when some failed
        if (failure) throw failure;
      } else summary.replayed += planned.length;
      options.onProgress?.({ scanned, total, replayed: summary.replayed });
    }
    return summary;
  } finally {
    await Promise.all([reader?.close(), producer?.close(), open.offsets.close()]);
  }
}

async function produceBatch(
  producer: AcknowledgedProducer,
  planned: Array<{ entry: DlqEntry; record: OutgoingRecord }>,
  progress: ReplayProgress[],
  summary: ReplaySummary,
): Promise<Error | undefined> {
  const results = await Promise.allSettled(planned.map(({ record }) => producer.send(record)));
  let failure: Error | undefined;
  results.forEach((result, i) => {
    const { message } = (planned[i] as { entry: DlqEntry }).entry;
    if (result.status === 'fulfilled') {
      (progress[message.partition] as ReplayProgress).markDone(message.offset);
      summary.replayed++;
    } else
      failure ??= new KafkaIoError(
        `replay of ${message.topic}/${message.partition}@${message.offset}: ${(result.reason as Error).message}`,
        'delivery',
      );
  });
  return failure;
}

async function commitProgress(offsets: OffsetReader, dlqTopic: string, progress: ReplayProgress[]): Promise<void> {
  await offsets.commit(
    progress.map((p, partition) => ({ topic: dlqTopic, partition, offset: p.position, metadata: p.metadata() })),
  );
}

function item(entry: DlqEntry, record: OutgoingRecord): ReplayItem {
  const { message } = entry;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    errorClass: entry.errorClass,
    ...(entry.originalTopic ? { from: `${entry.originalTopic}/${entry.originalPartition ?? '?'}` } : {}),
    to: `${record.topic}${record.partition === undefined ? '' : `/${record.partition}`}`,
    bytes: message.value?.length ?? 0,
  };
}

function describe(entry: DlqEntry, record: OutgoingRecord, execute: boolean): string {
  const { message } = entry;
  const from = entry.originalTopic ? `, from ${entry.originalTopic}/${entry.originalPartition ?? '?'}` : '';
  const to = `${record.topic}${record.partition === undefined ? '' : `/${record.partition}`}`;
  return `${execute ? 'replaying' : 'would replay'} ${message.topic}/${message.partition}@${message.offset} → ${to} (${entry.errorClass}${from}, ${message.value?.length ?? 0} bytes)`;
}

/** Partition counts of the topics replayed to, looked up once each (an unknown one is an error). */
class TargetTopics {
  private readonly counts = new Map<string, number>();
  constructor(private readonly offsets: OffsetReader) {}

  async partitionCount(topic: string): Promise<number> {
    let count = this.counts.get(topic);
    if (count === undefined) {
      count = (await this.offsets.topics([topic])).get(topic) as number;
      this.counts.set(topic, count);
    }
    return count;
  }

  /** To its original partition when replayed to its original topic (keys stay where they were), else by key. */
  async record(entry: DlqEntry, topic: string): Promise<OutgoingRecord> {
    const { message } = entry;
    const count = await this.partitionCount(topic).catch((err: Error) => {
      throw err instanceof LagError
        ? new KafkaIoError(
            `${message.topic}/${message.partition}@${message.offset}: its original topic ${topic} does not exist ` +
              '(replay to another topic with --to)',
            'input',
          )
        : err;
    });
    const samePartition =
      topic === entry.originalTopic && entry.originalPartition !== undefined && entry.originalPartition < count;
    return {
      topic,
      partition: samePartition ? entry.originalPartition : undefined,
      key: Buffer.isBuffer(message.key) ? message.key : null,
      value: message.value,
      headers: replayHeaders(entry),
    };
  }
}
