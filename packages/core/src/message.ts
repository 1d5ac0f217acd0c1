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

/** What a handler and its middleware know about the work in progress: a message's or a batch's. */
export interface HandlerRunContext {
  readonly groupId: string;
  /** `Class.method` of the handler. */
  readonly handler: string;
  /** 1 on the first try; the retry middleware and the core's own retry increase it. */
  attempt: number;
  /** Aborted when the partition is revoked past `revokeTimeoutMs`, or on shutdown timeout. */
  readonly signal: AbortSignal;
  /**
   * A child logger bound to the group, handler, topic, partition and attempt, and to the message's
   * offset and key (a batch: its first and last offset and its size).
   */
  logger: Logger;
  /**
   * Set by middleware that settles the work without (or instead of) the handler (a batch: applied to
   * the messages not settled yet when the chain returns).
   */
  outcome?: MessageOutcome;
  /** Free-form state middleware can share while the message (the batch) runs. */
  readonly state: Map<string | symbol, unknown>;
  /**
   * Backs off without failing: throws a `PauseRequest`, so nothing after it runs. The message (a
   * batch: its unsettled messages) is not completed (not committed); it runs again after `ms`, and
   * its lane — the partition in partition ordering, the key in key ordering — waits meanwhile while
   * other lanes go on (the wait takes none of the group's `concurrency` slots). A revoke or stop ends
   * the wait (the next owner runs it).
   */
  pause(ms: number): never;
}

/** What a handler of single messages and its middleware know about the message in progress. */
export interface MessageContext<T = unknown> extends HandlerRunContext {
  readonly message: Message<T>;
}

/**
 * How a message ended. Only a final outcome lets the offset move past it: `done` (handled),
 * `dead-lettered` (written to the DLQ and acknowledged), `skipped` (filtered on purpose, e.g. an
 * idempotency hit), `retry-scheduled` (written to a retry topic and acknowledged: `retryTopics()`
 * runs it again from there). A thrown error is not an outcome: the message is retried.
 */
export type MessageOutcome = 'done' | 'dead-lettered' | 'skipped' | 'retry-scheduled';

/**
 * What a batch handler (`@ConsumeBatch`) and its middleware know about the batch in progress.
 * A batch holds messages of one partition (partition ordering) or of one key (key ordering), in
 * offset order. Each message settles on its own: `resolve` settles a prefix early (it may be
 * committed while the rest still runs); when the chain returns, every message not yet settled
 * takes `outcome` (default `done`); when it throws, the unsettled ones run again (retry) and the
 * commit never passes them.
 */
export interface BatchContext<T = unknown> extends HandlerRunContext {
  /** Always true: tells a batch from a single message in middleware that handles both. */
  readonly batch: true;
  /**
   * The messages this run hands to the handler: the batch's unsettled messages unless middleware
   * narrowed it (retry's `splitOnFailure` runs halves). Settled messages are left out when it runs.
   */
  messages: readonly Message<T>[];
  /** Every message of the batch not settled yet, in offset order. */
  readonly unsettled: readonly Message<T>[];
  /** Settles every unsettled message of the batch at or below `offset` as done (partial success). */
  resolve(offset: number): void;
  /** Settles these messages with a final outcome (e.g. the DLQ middleware: `dead-lettered`). */
  settle(messages: readonly Message<T>[], outcome: MessageOutcome): void;
}

/** The context of a single message or of a batch: what middleware marked `handlesBatches` receives. */
export type AnyContext<T = unknown> = MessageContext<T> | BatchContext<T>;

/** Whether a context is a batch's (`@ConsumeBatch`). */
export function isBatch<T>(ctx: AnyContext<T>): ctx is BatchContext<T> {
  return (ctx as BatchContext<T>).batch === true;
}
