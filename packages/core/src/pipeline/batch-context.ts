import type { Logger } from 'pino';
import type { BatchContext, Message, MessageOutcome } from '../message.js';
import { RunContext } from './run-context.js';

/**
 * `ctx` of a batch as the batch executor builds it. It owns which of the batch's messages are
 * settled; settling one is the executor's `onSettle` (mark its offset done, release it).
 *
 * Invariant: a message is settled at most once, and only with a final outcome: by `resolve`
 * (done), by `settle` (middleware's outcome), or by the executor when the chain returned. A
 * message the handler ran successfully inside a chain that then threw is `succeeded`: settled by
 * the executor once the chain settles, never run again.
 */
export class BatchRunContext<M extends Message = Message> extends RunContext implements BatchContext {
  readonly batch = true as const;
  messages: readonly Message[];
  private readonly open: Set<M>;
  private readonly succeeded = new Set<Message>();

  constructor(
    groupId: string,
    readonly handler: string,
    private readonly all: readonly M[],
    parentLogger: Logger,
    private readonly onSettle: (message: M, outcome: MessageOutcome) => void,
    /** The handlers' abort signal, created on first read (see `MessageContext.signal`). */
    private readonly signalOf: () => { signal: AbortSignal; release(): void },
  ) {
    super(groupId, parentLogger);
    this.open = new Set(all);
    this.messages = all;
  }

  protected createSignal() {
    return this.signalOf();
  }

  /** Not settled and not run successfully yet, in offset order. */
  get unsettled(): M[] {
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
      const m = message as M;
      if (!this.open.delete(m)) continue; // not of this batch, or settled already
      this.succeeded.delete(m);
      this.onSettle(m, outcome);
    }
  }

  /** The handler returned for these: they are settled when the chain settles (see the invariant). */
  markSucceeded(messages: readonly Message[]): void {
    for (const m of messages) if (this.open.has(m as M)) this.succeeded.add(m);
  }

  /** Settles what the handler ran successfully (the chain has settled). */
  settleSucceeded(): void {
    this.settle([...this.succeeded], 'done');
  }

  protected loggerBindings() {
    const first = this.all[0] as M;
    return {
      handler: this.handler,
      topic: first.topic,
      partition: first.partition,
      firstOffset: first.offset,
      lastOffset: (this.all[this.all.length - 1] as M).offset,
      batchSize: this.all.length,
      attempt: this.attempt,
    };
  }
}
