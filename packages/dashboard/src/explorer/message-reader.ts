import { KafkaConsumer, type Message, type Metadata, type WatermarkOffsets } from '@confluentinc/kafka-javascript';
import type { DashboardLogger } from '../logger.js';
import { type DeadLetterInfo, deadLetterInfo } from './dead-letter-info.js';
import { type RenderedBytes, renderText, renderValue } from './render-bytes.js';
import { searchOffsetForTime } from './time-search.js';

export interface ExplorerMessage {
  offset: number;
  timestamp: number | null;
  key: RenderedBytes;
  headers: Array<{ name: string; value: RenderedBytes }>;
  value: RenderedBytes;
  /** The failure it carries, when it is a dead letter. */
  deadLetter?: DeadLetterInfo;
}

export interface ExplorerPage {
  topic: string;
  partition: number;
  /** The partition's first and next offsets now (it holds `high − low`). */
  low: number;
  high: number;
  /** The offset this page was read from. */
  start: number;
  /** How a time became `start`: the broker's ListOffsets (offsetsForTimes), or a search over timestamps. */
  resolvedBy?: 'offsetsForTimes' | 'timestamp-search';
  messages: ExplorerMessage[];
  /** Offsets of the next and the previous page, null at the ends. */
  next: number | null;
  previous: number | null;
}

export type PageFrom = { offset: number } | { time: number } | { latest: true };

/** Not a broker problem: a topic or partition that does not exist, or a bad request. */
export class ExplorerInputError extends Error {
  override readonly name = 'ExplorerInputError';
}

const MAX_LIMIT = 100;

/**
 * Reads pages of one partition for the explorer. Read-only: it assigns partitions directly — it
 * never joins a consumer group and never commits (librdkafka insists on a group.id; this one is
 * never used for either). One read at a time, on one consumer kept between reads. Logs offsets and
 * counts, never message bytes.
 */
export class MessageReader {
  private consumer?: Promise<KafkaConsumer>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly brokers: string,
    private readonly logger: DashboardLogger,
    private readonly timeoutMs = 5_000,
  ) {}

  /** Every topic but the internal ones, with its partition count. */
  topics(): Promise<Array<{ topic: string; partitions: number }>> {
    return this.serially(async (consumer) => {
      const metadata = await callback<Metadata>((cb) => consumer.getMetadata({ timeout: this.timeoutMs }, cb));
      return metadata.topics
        .filter((t) => !t.name.startsWith('__'))
        .map((t) => ({ topic: t.name, partitions: t.partitions.length }))
        .sort((a, b) => a.topic.localeCompare(b.topic));
    });
  }

  /** The start (low) and end (high) offset of each partition of `topic`: it holds `high − low`. */
  partitions(topic: string): Promise<Array<{ partition: number; low: number; high: number }>> {
    return this.serially(async (consumer) => {
      const found = await this.partitionCount(consumer, topic);
      return Promise.all(
        Array.from({ length: found }, async (_, partition) => {
          const w = await callback<WatermarkOffsets>((cb) =>
            consumer.queryWatermarkOffsets(topic, partition, this.timeoutMs, cb),
          );
          return { partition, low: w.lowOffset, high: w.highOffset };
        }),
      );
    });
  }

  page(topic: string, partition: number, from: PageFrom, limit = 20): Promise<ExplorerPage> {
    const count = Math.min(Math.max(1, Math.floor(limit)), MAX_LIMIT);
    return this.serially(async (consumer) => {
      const started = Date.now();
      const partitions = await this.partitionCount(consumer, topic);
      if (partition >= partitions)
        throw new ExplorerInputError(`${topic} has no partition ${partition} (0–${partitions - 1})`);
      const { lowOffset: low, highOffset: high } = await callback<WatermarkOffsets>((cb) =>
        consumer.queryWatermarkOffsets(topic, partition, this.timeoutMs, cb),
      );
      let start: number;
      let resolvedBy: ExplorerPage['resolvedBy'];
      if ('time' in from)
        ({ start, resolvedBy } = await this.offsetForTime(consumer, topic, partition, from.time, low, high));
      else if ('latest' in from) start = Math.max(low, high - count);
      else start = Math.min(Math.max(from.offset, low), high);
      const raw = await this.read(consumer, topic, partition, start, count, high);
      const messages = raw.map(toExplorerMessage);
      const last = messages.at(-1)?.offset;
      this.logger.info(
        { topic, partition, start, count: messages.length, ms: Date.now() - started },
        'explorer read a page',
      );
      return {
        topic,
        partition,
        low,
        high,
        start,
        ...(resolvedBy ? { resolvedBy } : {}),
        messages,
        next: last !== undefined && last + 1 < high ? last + 1 : null,
        previous: start > low ? Math.max(low, start - count) : null,
      };
    });
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await this.queue.catch(() => {});
    const c = await consumer?.catch(() => undefined);
    if (c) await new Promise<void>((resolve) => c.disconnect(() => resolve()));
  }

  private async partitionCount(consumer: KafkaConsumer, topic: string): Promise<number> {
    // All topics: a metadata request naming an unknown topic may create it (auto-create), and this is read-only.
    const metadata = await callback<Metadata>((cb) => consumer.getMetadata({ timeout: this.timeoutMs }, cb));
    const found = metadata.topics.find((t) => t.name === topic);
    if (!found || found.partitions.length === 0) throw new ExplorerInputError(`unknown topic ${topic}`);
    return found.partitions.length;
  }

  /** offsetsForTimes; where the broker answers "none" although the partition has later messages, a search. */
  private async offsetForTime(
    consumer: KafkaConsumer,
    topic: string,
    partition: number,
    time: number,
    low: number,
    high: number,
  ) {
    const [answer] = await callback<Array<{ offset: number }>>((cb) =>
      consumer.offsetsForTimes([{ topic, partition, offset: time }], this.timeoutMs, cb),
    );
    if (answer && answer.offset >= 0) return { start: answer.offset, resolvedBy: 'offsetsForTimes' as const };
    const probe = async (offset: number) => {
      const [m] = await this.read(consumer, topic, partition, offset, 1, high);
      return m ? { offset: m.offset, timestamp: m.timestamp ?? 0 } : undefined;
    };
    const last = high > low ? await probe(high - 1) : undefined;
    // -1 is Kafka's "no message at or after that time": true unless the last message is that late.
    if (!last || last.timestamp < time) return { start: high, resolvedBy: 'offsetsForTimes' as const };
    return { start: await searchOffsetForTime(time, low, high, probe), resolvedBy: 'timestamp-search' as const };
  }

  /** Up to `count` messages from `start`, stopping at `high` (the end when the page was asked). */
  private async read(
    consumer: KafkaConsumer,
    topic: string,
    partition: number,
    start: number,
    count: number,
    high: number,
  ): Promise<Message[]> {
    if (start >= high) return [];
    const messages: Message[] = [];
    consumer.assign([{ topic, partition, offset: start }]);
    try {
      const deadline = performance.now() + this.timeoutMs;
      let next = start;
      while (messages.length < count && next < high && performance.now() < deadline) {
        const batch = await callback<Message[]>((cb) => consumer.consume(count - messages.length, cb));
        for (const m of batch) {
          // A fetch still in flight for an earlier assignment is not this page.
          if (m.topic !== topic || m.partition !== partition || m.offset < next) continue;
          messages.push(m);
          next = m.offset + 1;
        }
      }
      return messages.slice(0, count);
    } finally {
      consumer.unassign();
    }
  }

  private serially<T>(fn: (consumer: KafkaConsumer) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => fn(await this.connected()));
    this.queue = run.catch(() => {});
    return run.catch((err: unknown) => {
      if (!(err instanceof ExplorerInputError)) this.drop();
      throw err;
    });
  }

  private connected(): Promise<KafkaConsumer> {
    this.consumer ??= new Promise<KafkaConsumer>((resolve, reject) => {
      const consumer = new KafkaConsumer(
        {
          'bootstrap.servers': this.brokers,
          'group.id': 'tributary-dashboard-explorer',
          'enable.auto.commit': false,
          'enable.auto.offset.store': false,
          'fetch.wait.max.ms': 100,
          'socket.timeout.ms': this.timeoutMs,
          log_level: 0,
        } as never,
        {},
      );
      consumer.setDefaultConsumeTimeout(200);
      consumer.connect({ timeout: this.timeoutMs }, (err) =>
        err ? reject(new Error(`cannot reach brokers ${this.brokers}: ${err.message}`)) : resolve(consumer),
      );
    });
    return this.consumer;
  }

  /** After a broker error: the next read connects afresh. */
  private drop(): void {
    const consumer = this.consumer;
    this.consumer = undefined;
    consumer?.then((c) => c.disconnect()).catch(() => {});
  }
}

function toExplorerMessage(m: Message): ExplorerMessage {
  const headers = (m.headers ?? []).flatMap((h) =>
    Object.entries(h).map(([name, value]) => ({ name, value: renderText(value) })),
  );
  const deadLetter = deadLetterInfo(headers);
  return {
    offset: m.offset,
    timestamp: typeof m.timestamp === 'number' && m.timestamp >= 0 ? m.timestamp : null,
    key: renderText(m.key ?? null),
    headers,
    value: renderValue(m.value),
    ...(deadLetter ? { deadLetter } : {}),
  };
}

function callback<T>(fn: (cb: (err: { message: string } | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(new Error(err.message)) : resolve(value))));
}
