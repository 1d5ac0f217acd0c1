import type { Message as KafkaMessage } from '@confluentinc/kafka-javascript';
import type { BrokerOptions, TopicSpec } from '@tributary/broker';
import { TributaryApp, type TributaryAppConfig, type TributaryEvents } from '@tributary/core';
import { encodeKey, encodeValue, type InputMessage } from './input-message.js';
import { produceMessages } from './produce.js';
import { readTopic } from './read-topic.js';
import { startTestKafka, type TestKafka } from './test-kafka.js';
import { waitUntil } from './wait-until.js';

/** A message that reached a final outcome in the app (its `message.processed` event). */
export type HandledMessage = TributaryEvents['message.processed'][0];

/** A message read back from a dead-letter topic, headers as text. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface TestAppOptions {
  /** Created before the app starts. Other topics auto-create on first use (4 partitions on the embedded broker). */
  topics?: TopicSpec[];
  /** For the embedded broker (unused when `KAFKA_BROKERS` points at a real cluster). */
  broker?: Omit<BrokerOptions, 'topics'>;
  /**
   * The app's config for this broker. `handleSignals` defaults to false (the test runner owns the
   * process). `onStop` registers cleanup run after the app stopped, before the broker does
   * (e.g. `() => producer.disconnect()`).
   */
  app: (env: {
    brokers: string;
    onStop: (cleanup: () => unknown) => void;
  }) => TributaryAppConfig | Promise<TributaryAppConfig>;
  /** How long `startTestApp` waits for every group to own partitions. Default 60 s. */
  readyTimeoutMs?: number;
}

export interface TestApp {
  readonly brokers: string;
  readonly app: TributaryApp;
  readonly kafka: TestKafka;
  /** Every final outcome so far, in the order they happened. */
  readonly handled: readonly HandledMessage[];
  /** Produces and resolves once the broker acknowledged every message. */
  produce(topic: string, messages: InputMessage[]): Promise<void>;
  /** Resolves with the first `count` final outcomes once there are that many. */
  waitUntilHandled(count: number, options?: { timeoutMs?: number }): Promise<HandledMessage[]>;
  /**
   * Reads `count` messages dead-lettered since the app started from `<topic>.dlq` (or `dlqTopic`).
   * "Since the app started" (by timestamp) keeps earlier runs' entries out on a long-lived Kafka.
   */
  readDeadLetters(
    topic: string,
    count: number,
    options?: { timeoutMs?: number; dlqTopic?: string },
  ): Promise<DeadLetter[]>;
  /** Stops the app, runs the `onStop` cleanups, then stops the broker. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs an app inside a test: a broker (embedded, or real Kafka when `KAFKA_BROKERS` is set), the
 * topics, the app started and waited for until every consumer group owns partitions, and helpers
 * to produce, wait for outcomes and read the DLQ. Stop it in an `after` hook (or a `finally`).
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const kafka = await startTestKafka({ ...options.broker, topics: options.topics });
  const brokers = kafka.bootstrapServers;
  const cleanups: Array<() => unknown> = [];
  const startedAt = Date.now();
  let app: TributaryApp;
  try {
    const config = await options.app({ brokers, onStop: (cleanup) => cleanups.push(cleanup) });
    app = await TributaryApp.create({ handleSignals: false, ...config, brokers });
  } catch (err) {
    await runCleanups(cleanups);
    await kafka.stop();
    throw err;
  }
  const handled: HandledMessage[] = [];
  app.events.on('message.processed', (event) => handled.push(event));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await app.stop();
        await runCleanups(cleanups);
      } finally {
        await kafka.stop();
      }
    })();
    return stopping;
  };
  try {
    await app.start();
    await waitUntil(() => app.stats().every((group) => group.assigned.length > 0), {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      message: () =>
        `every consumer group to own partitions (${app
          .stats()
          .map((g) => `${g.groupId}: ${g.assigned.length}`)
          .join(', ')})`,
    });
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    brokers,
    app,
    kafka,
    handled,
    produce: (topic, messages) =>
      produceMessages(brokers, topic, messages.length, {
        message: (i) => {
          const m = messages[i] as InputMessage;
          const value = encodeValue(m.value);
          return {
            key: encodeKey(m.key),
            value,
            partition: m.partition,
            headers: Object.entries(m.headers ?? {}).map(([name, v]) => ({ [name]: v })),
          };
        },
      }),
    waitUntilHandled: (count, { timeoutMs = 30_000 } = {}) =>
      waitUntil(() => (handled.length >= count ? handled.slice(0, count) : undefined), {
        timeoutMs,
        message: () => `${count} handled messages (${handled.length} so far)`,
      }),
    readDeadLetters: async (topic, count, { timeoutMs = 30_000, dlqTopic = `${topic}.dlq` } = {}) => {
      const messages = await readTopic(brokers, dlqTopic, count, timeoutMs, (m) => (m.timestamp ?? 0) >= startedAt);
      return messages.slice(0, count).map(toDeadLetter);
    },
    stop,
  };
}

async function runCleanups(cleanups: Array<() => unknown>): Promise<void> {
  for (const cleanup of cleanups) await cleanup();
}

function toDeadLetter(m: KafkaMessage): DeadLetter {
  const headers: Record<string, string> = {};
  for (const header of m.headers ?? []) {
    for (const [name, value] of Object.entries(header)) headers[name] = value.toString();
  }
  const key = m.key === undefined || m.key === null ? null : m.key.toString();
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key,
    value: m.value ?? null,
    headers,
    timestamp: m.timestamp ?? 0,
  };
}
