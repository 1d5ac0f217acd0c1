import {
  HandlerHarness,
  type HarnessMessage,
  type HarnessResult,
  type MiddlewareLike,
  TributaryConfigError,
} from '@tributary/core';
import type { Level } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { CapturingProducer, type ProducedRecord } from './capturing-producer.js';
import { encodeHeaders, encodeKey, encodeValue, type InputMessage } from './input-message.js';
import { captureLogs, type LogLine } from './log-capture.js';

export interface TestHandlerOptions {
  /**
   * App-wide middleware, as in `TributaryApp.create({ middleware })`. A function receives the
   * capturing producer to give to `deadLetter({ producer })`.
   */
  middleware?: MiddlewareLike[] | ((producer: CapturingProducer) => MiddlewareLike[]);
  /** Resolves the handler and middleware classes. Default: a child of tsyringe's root container. */
  container?: DependencyContainer;
  /** The producer the middleware function receives (to prepare `failNext()`). Default: a new one. */
  producer?: CapturingProducer;
  /** Lowest level captured. Default `debug`. */
  logLevel?: Level;
}

/** One message's run: where it was, how it ended, and what it wrote to the DLQ and the log. */
export interface MessageRun extends HarnessResult {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  deadLetters: ProducedRecord[];
  logs: LogLine[];
}

export interface HandlerTestResult {
  messages: MessageRun[];
  /** `messages.map((m) => m.outcome)`. */
  outcomes: MessageRun['outcome'][];
  /** Everything the capturing producer took, in order. */
  deadLetters: ProducedRecord[];
  logs: LogLine[];
}

/**
 * Runs one `@ConsumerGroup` class on `messages`, one at a time in the order given, without a broker
 * (a `@ConsumeBatch` handler's messages run as batches: consecutive messages of one partition, up
 * to its `maxSize`, each batch once):
 * each goes through the same chain as in a running app (app → group → `@UseMiddleware` middleware →
 * the method, decoded and validated by the handler's decoder and schema). Returns each message's
 * outcome — `done`, `dead-lettered`, `skipped`, or `failed` when an error escaped every middleware
 * (a running app would hold the lane there and retry) — with its DLQ writes and log lines.
 * Ordering, lanes, commits and rebalances are the running app's: test those with `startTestApp`.
 */
export async function testHandler(
  handler: Function,
  messages: InputMessage[],
  options: TestHandlerOptions = {},
): Promise<HandlerTestResult> {
  const producer = options.producer ?? new CapturingProducer();
  const { logger, lines } = captureLogs(options.logLevel);
  const middleware = typeof options.middleware === 'function' ? options.middleware(producer) : options.middleware;
  const harness = HandlerHarness.create({ handler, middleware, container: options.container, logger });
  const nextOffset = new Map<string, number>();
  const runs: MessageRun[] = [];
  /** A batch handler's messages waiting to run as one batch (consecutive, one partition). */
  let pending: Array<{ message: HarnessMessage }> = [];
  const flushBatch = async () => {
    if (pending.length === 0) return;
    const batch = pending.map((p) => p.message);
    pending = [];
    const [linesBefore, recordsBefore] = [lines.length, producer.records.length];
    const results = await harness.runBatch(batch);
    results.forEach((result, i) => {
      runs.push(runOf(result, batch[i] as HarnessMessage, [], []));
    });
    // The batch's DLQ writes and log lines belong to all of its messages.
    for (const run of runs.slice(-results.length)) {
      run.deadLetters = producer.records.slice(recordsBefore);
      run.logs = lines.slice(linesBefore);
    }
  };
  for (const [i, input] of messages.entries()) {
    const topic = input.topic ?? onlyTopic(harness, i);
    const partition = input.partition ?? 0;
    const offset = nextOffset.get(`${topic}/${partition}`) ?? 0;
    nextOffset.set(`${topic}/${partition}`, offset + 1);
    const message: HarnessMessage = {
      topic,
      partition,
      offset,
      key: encodeKey(input.key),
      value: encodeValue(input.value),
      headers: encodeHeaders(input.headers),
      timestamp: Date.now(),
    };
    const maxSize = harness.batchSizeOf(topic);
    const head = pending[0]?.message;
    if (
      head &&
      (maxSize === undefined || head.topic !== topic || head.partition !== partition || pending.length >= maxSize)
    )
      await flushBatch();
    if (maxSize !== undefined) {
      pending.push({ message });
      continue;
    }
    const [linesBefore, recordsBefore] = [lines.length, producer.records.length];
    const result = await harness.run(message);
    runs.push(runOf(result, message, producer.records.slice(recordsBefore), lines.slice(linesBefore)));
  }
  await flushBatch();
  return { messages: runs, outcomes: runs.map((r) => r.outcome), deadLetters: [...producer.records], logs: lines };
}

function runOf(result: HarnessResult, m: HarnessMessage, deadLetters: ProducedRecord[], logs: LogLine[]): MessageRun {
  const { topic, partition, offset } = m;
  return { ...result, topic, partition, offset, key: m.key?.toString('utf8') ?? null, deadLetters, logs };
}

function onlyTopic(harness: HandlerHarness, index: number): string {
  const [topic, ...others] = harness.topics;
  if (topic === undefined || others.length > 0) {
    throw new TributaryConfigError(
      `messages[${index}].topic`,
      `group "${harness.groupId}" consumes ${harness.topics.join(', ')}: say which one`,
    );
  }
  return topic;
}
