import type { Logger } from 'pino';

export type Headers = Record<string, Buffer>;

/** A message as a handler sees it: decoded once, with its coordinates. */
export interface Message<T = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The key as UTF-8 text, or null. `rawKey` keeps the bytes. */
  readonly key: string | null;
  readonly rawKey: Buffer | null;
  readonly value: T;
  /** The value's bytes as they came from the broker. */
  readonly rawValue: Buffer | null;
  readonly headers: Headers;
  /** Broker or producer timestamp, ms since epoch. */
  readonly timestamp: number;
  readonly size: number;
}

/** What a handler and its middleware know about the work in progress. */
export interface MessageContext<T = unknown> {
  readonly groupId: string;
  /** `Class.method` of the handler. */
  readonly handler: string;
  readonly message: Message<T>;
  /** 1 on the first try; the retry middleware and the core's own retry increase it. */
  attempt: number;
  /** Aborted when the partition is revoked past `revokeTimeoutMs`, or on shutdown timeout. */
  readonly signal: AbortSignal;
  /** A child logger bound to group, topic, partition, offset, key and attempt. */
  logger: Logger;
  /** Set by middleware that settles the message without (or instead of) the handler. */
  outcome?: MessageOutcome;
  /** Free-form per-message state middleware can share. */
  readonly state: Map<string | symbol, unknown>;
  /**
   * Backs off without failing: throws a `PauseRequest`, so nothing after it runs. The message is
   * not completed (not committed); it runs again after `ms`, and its lane — the partition in
   * partition ordering, the key in key ordering — waits meanwhile while other lanes go on (the
   * wait takes none of the group's `concurrency` slots). A revoke or stop ends the wait (the next
   * owner runs the message).
   */
  pause(ms: number): never;
}

/**
 * How a message ended. Only a final outcome lets the offset move past it: `done` (handled),
 * `dead-lettered` (written to the DLQ and acknowledged), `skipped` (filtered on purpose, e.g. an
 * idempotency hit), `retry-scheduled` (written to a retry topic and acknowledged: `retryTopics()`
 * runs it again from there). A thrown error is not an outcome: the message is retried.
 */
export type MessageOutcome = 'done' | 'dead-lettered' | 'skipped' | 'retry-scheduled';
