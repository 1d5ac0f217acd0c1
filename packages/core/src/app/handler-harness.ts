import type { Logger } from 'pino';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { decodeValue } from '../decode.js';
import { PauseRequest, TributaryConfigError } from '../errors.js';
import type { BatchContext, Headers, Message, MessageContext, MessageOutcome } from '../message.js';
import { composeHandlerChains } from '../middleware/handler-chains.js';
import { type MiddlewareFn, type MiddlewareLike, resolveMiddleware } from '../middleware/middleware.js';
import { withMiddlewareTopics } from '../middleware/middleware-topics.js';
import type { GroupDefinition, HandlerDefinition } from '../model/definitions.js';
import { HandlerRouter } from '../model/handler-routing.js';
import { BatchRunContext } from '../pipeline/batch-context.js';
import { RunContext } from '../pipeline/run-context.js';
import { type Resolver, tsyringeResolver } from './resolver.js';
import { scanHandlers } from './scan.js';

/** A message as the broker would deliver it: bytes, not yet decoded. */
export interface HarnessMessage {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  timestamp: number;
}

/**
 * How a message ended. `failed`: an error escaped the whole chain — a running app never commits
 * past such a message, it holds the lane and retries it with backoff (see `execute` in
 * pipeline/executor.ts); the harness reports it once instead.
 */
export interface HarnessResult {
  handler: string;
  /** `paused`: the handler called `ctx.pause(ms)` (`pauseMs`); a running app would run it again then. */
  outcome: MessageOutcome | 'failed' | 'paused';
  pauseMs?: number;
  error?: unknown;
  /** `ctx.attempt` when the chain settled (the retry middleware counts it up). */
  attempts: number;
}

export interface HandlerHarnessOptions {
  /** One class decorated with `@ConsumerGroup`, as passed to `TributaryApp.create({ handlers })`. */
  handler: Function;
  /** App-wide middleware, as `TributaryApp.create({ middleware })`. */
  middleware?: MiddlewareLike[];
  /** Resolves the handler and middleware classes. Default: a child of tsyringe's root container. */
  container?: DependencyContainer;
  /** Instead of `container`: any resolver (e.g. Nest's, from @tributary/nestjs). */
  resolver?: Resolver;
  logger: Logger;
}

/**
 * Runs a handler class's middleware chains without a broker, for unit tests (`testHandler` in
 * @tributary/testing builds on it). Built from the same parts as a running app — `scanHandlers`
 * for the decorators, `resolveMiddleware` and `compose` for app → group → `@UseMiddleware` →
 * method, `decodeValue` for the handler's decoder and schema — and like `GroupConsumer` it
 * composes each handler's chain once. What it leaves out: lanes, commits, rebalances and hooks,
 * and the core's own retry of a failed message.
 */
export class HandlerHarness {
  private readonly chains: Map<string, (ctx: MessageContext) => Promise<void>>;
  /** A topic's handler, as the running app routes it (its own, or a pattern's). */
  private readonly router: HandlerRouter;

  private constructor(
    private readonly group: GroupDefinition,
    private readonly logger: Logger,
    appMiddleware: MiddlewareFn[],
    resolver: Resolver,
  ) {
    this.router = new HandlerRouter(withMiddlewareTopics(group, group.options.middleware ?? [], appMiddleware));
    this.chains = composeHandlerChains(group, group.options.middleware ?? [], appMiddleware, resolver);
  }

  /** Validates the class like `TributaryApp.create` does: a mistake throws the same typed error. */
  static create(options: HandlerHarnessOptions): HandlerHarness {
    const resolver = options.resolver ?? tsyringeResolver(options.container ?? rootContainer.createChildContainer());
    const [group] = scanHandlers([options.handler], resolver);
    const appMiddleware = resolveMiddleware(options.middleware ?? [], resolver, 'middleware');
    return new HandlerHarness(group as GroupDefinition, options.logger, appMiddleware, resolver);
  }

  get groupId(): string {
    return this.group.groupId;
  }

  /** The topics the class consumes, in the order of its `@Consume` decorators. */
  get topics(): string[] {
    return [...this.group.handlersByTopic.keys()];
  }

  /** The largest batch of the topic's handler, or undefined when it is not a `@ConsumeBatch` handler. */
  batchSizeOf(topic: string): number | undefined {
    return this.handlerOf(topic).batch?.maxSize;
  }

  private handlerOf(topic: string): HandlerDefinition {
    const handler = this.router.get(topic);
    if (!handler) {
      throw new TributaryConfigError(
        'topic',
        `${topic} has no @Consume handler in group "${this.groupId}" (topics: ${this.topics.join(', ')})`,
      );
    }
    return handler;
  }

  /**
   * Runs messages of one partition as one batch through a `@ConsumeBatch` handler's chain, once:
   * each message's outcome (`failed`/`paused` for those the chain left unsettled).
   */
  async runBatch(
    messages: HarnessMessage[],
    signal: AbortSignal = new AbortController().signal,
  ): Promise<HarnessResult[]> {
    const first = messages[0];
    if (!first) throw new TributaryConfigError('messages', 'a batch needs at least one message');
    const handler = this.handlerOf(first.topic);
    if (!handler.batch) throw new TributaryConfigError('topic', `${handler.name} is not a @ConsumeBatch handler`);
    if (messages.some((m) => m.topic !== first.topic || m.partition !== first.partition))
      throw new TributaryConfigError('messages', 'a batch holds messages of one topic partition');
    const decoded = messages.map((m) => new DecodingMessage(m, handler));
    const outcomes = new Map<Message, MessageOutcome>();
    const ctx = new BatchRunContext(
      this.groupId,
      handler.name,
      decoded,
      this.logger.child({ group: this.groupId }),
      (m, outcome) => outcomes.set(m, outcome),
      () => ({ signal, release() {} }),
    );
    let unsettled: Omit<HarnessResult, 'handler' | 'attempts'> = { outcome: 'failed' };
    try {
      await (this.chains.get(handler.name) as unknown as (ctx: BatchContext) => Promise<void>)(ctx);
      ctx.settleSucceeded();
      ctx.settle(ctx.unsettled, ctx.outcome ?? 'done');
    } catch (error) {
      ctx.settleSucceeded();
      unsettled = PauseRequest.is(error) ? { outcome: 'paused', pauseMs: error.ms } : { outcome: 'failed', error };
    }
    return decoded.map((m) => {
      const outcome = outcomes.get(m);
      return { handler: handler.name, attempts: ctx.attempt, ...(outcome ? { outcome } : unsettled) };
    });
  }

  /** Runs one message through its handler's chain until it settles. */
  async run(message: HarnessMessage, signal: AbortSignal = new AbortController().signal): Promise<HarnessResult> {
    const handler = this.handlerOf(message.topic);
    if (handler.batch)
      throw new TributaryConfigError(
        'topic',
        `${handler.name} is a @ConsumeBatch handler: run its messages with runBatch()`,
      );
    const ctx = new HarnessContext(
      this.groupId,
      handler.name,
      new DecodingMessage(message, handler),
      signal,
      this.logger,
    );
    try {
      await (this.chains.get(handler.name) as (ctx: MessageContext) => Promise<void>)(ctx);
      return { handler: handler.name, outcome: ctx.outcome ?? 'done', attempts: ctx.attempt };
    } catch (error) {
      if (PauseRequest.is(error))
        return { handler: handler.name, outcome: 'paused', pauseMs: error.ms, attempts: ctx.attempt };
      return { handler: handler.name, outcome: 'failed', error, attempts: ctx.attempt };
    }
  }
}

/** Decodes on first read of `value`, once; a failure throws there, inside the chain, as in the pipeline. */
class DecodingMessage implements Message {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly rawKey: Buffer | null;
  readonly rawValue: Buffer | null;
  readonly headers: Headers;
  readonly timestamp: number;
  private decoded?: { value: unknown } | { error: unknown };

  constructor(
    raw: HarnessMessage,
    private readonly handler: HandlerDefinition,
  ) {
    this.topic = raw.topic;
    this.partition = raw.partition;
    this.offset = raw.offset;
    this.rawKey = raw.key;
    this.rawValue = raw.value;
    this.headers = raw.headers;
    this.timestamp = raw.timestamp;
  }

  get key(): string | null {
    return this.rawKey === null ? null : this.rawKey.toString('utf8');
  }

  get size(): number {
    return this.rawValue?.length ?? 0;
  }

  get value(): unknown {
    this.decoded ??= this.decode();
    if ('error' in this.decoded) throw this.decoded.error;
    return this.decoded.value;
  }

  private decode(): { value: unknown } | { error: unknown } {
    try {
      return { value: decodeValue(this.handler.decoder, this.handler.schema, this.rawValue, this) };
    } catch (error) {
      return { error };
    }
  }
}

/** `ctx` as the executor builds it: the logger carries the message's coordinates. */
class HarnessContext extends RunContext implements MessageContext {
  constructor(
    groupId: string,
    readonly handler: string,
    readonly message: Message,
    private readonly abortSignal: AbortSignal,
    parentLogger: Logger,
  ) {
    super(groupId, parentLogger);
  }

  protected createSignal() {
    return { signal: this.abortSignal, release() {} };
  }

  protected loggerBindings() {
    return {
      group: this.groupId,
      handler: this.handler,
      topic: this.message.topic,
      partition: this.message.partition,
      offset: this.message.offset,
      key: this.message.key,
      attempt: this.attempt,
    };
  }
}
