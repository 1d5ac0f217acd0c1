import type { Logger } from 'pino';
import { PauseRequest } from '../errors.js';
import type { BatchContext, Message, MessageOutcome } from '../message.js';
import type { PipelineMessage } from './message-envelope.js';

/**
 * `ctx` of a batch as the batch executor builds it. It owns which of the batch's messages are
 * settled; settling one is the executor's `onSettle` (mark its offset done, release it).
 *
 * Invariant: a message is settled at most once, and only with a final outcome: by `resolve`
 * (done), by `settle` (middleware's outcome), or by the executor when the chain returned. A
 * message the handler ran successfully inside a chain that then threw is `succeeded`: settled by
 * the executor once the chain settles, never run again.
 */
export class BatchRunContext implements BatchContext {
  readonly batch = true as const;
  attempt = 1;
  outcome?: MessageOutcome;
  messages: readonly Message[];
  private readonly open: Set<PipelineMessage>;
  private readonly succeeded = new Set<Message>();
  private stateMap?: Map<string | symbol, unknown>;
  private childLogger?: Logger;
  private handlerSignal?: { signal: AbortSignal; release(): void };

  constructor(
    readonly groupId: string,
    private readonly all: readonly PipelineMessage[],
    private readonly parentLogger: Logger,
    private readonly onSettle: (message: PipelineMessage, outcome: MessageOutcome) => void,
  ) {
    this.open = new Set(all);
    this.messages = all;
  }

  get handler(): string {
    return (this.all[0] as PipelineMessage).handler.name;
  }

  /** Not settled and not run successfully yet, in offset order. */
  get unsettled(): PipelineMessage[] {
    return this.all.filter((m) => this.open.has(m) && !this.succeeded.has(m));
  }

  /** Whether every message of the batch is settled. */
  get finished(): boolean {
    return this.open.size === 0;
  }

  resolve(offset: number): void {
    this.settle(
      this.unsettled.filter((m) => m.offset <= offset),
      'done',
    );
  }

  settle(messages: readonly Message[], outcome: MessageOutcome): void {
    for (const message of messages) {
      const m = message as PipelineMessage;
      if (!this.open.delete(m)) continue; // not of this batch, or settled already
      this.succeeded.delete(m);
      this.onSettle(m, outcome);
    }
  }

  /** The handler returned for these: they are settled when the chain settles (see the invariant). */
  markSucceeded(messages: readonly Message[]): void {
    for (const m of messages) if (this.open.has(m as PipelineMessage)) this.succeeded.add(m);
  }

  /** Settles what the handler ran successfully (the chain has settled). */
  settleSucceeded(): void {
    this.settle([...this.succeeded], 'done');
  }

  pause(ms: number): never {
    throw new PauseRequest(ms);
  }

  get signal(): AbortSignal {
    this.handlerSignal ??= (this.all[0] as PipelineMessage).owner.handlerSignal();
    return this.handlerSignal.signal;
  }

  release(): void {
    this.handlerSignal?.release();
  }

  get state(): Map<string | symbol, unknown> {
    this.stateMap ??= new Map();
    return this.stateMap;
  }

  get logger(): Logger {
    const first = this.all[0] as PipelineMessage;
    this.childLogger ??= this.parentLogger.child({
      handler: first.handler.name,
      topic: first.topic,
      partition: first.partition,
      firstOffset: first.offset,
      lastOffset: (this.all[this.all.length - 1] as PipelineMessage).offset,
      batchSize: this.all.length,
      attempt: this.attempt,
    });
    return this.childLogger;
  }
  set logger(logger: Logger) {
    this.childLogger = logger;
  }
}
