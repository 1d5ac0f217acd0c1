import type { Logger } from 'pino';
import { PauseRequest } from '../errors.js';
import type { MessageOutcome } from '../message.js';

/**
 * What the contexts of a running message and a running batch share: the attempt and outcome, and
 * the parts built on first use (signal, state, logger). Nothing here costs a closure or an object
 * per message until a handler reads it.
 */
export abstract class RunContext {
  attempt = 1;
  outcome?: MessageOutcome;
  private stateMap?: Map<string | symbol, unknown>;
  private childLogger?: Logger;
  private handlerSignal?: { signal: AbortSignal; release(): void };

  constructor(
    readonly groupId: string,
    private readonly parentLogger: Logger,
  ) {}

  /** The handlers' abort signal (the partition's, which its revoke or the stop aborts). */
  protected abstract createSignal(): { signal: AbortSignal; release(): void };
  /** The logger's bindings (read once, when the logger is first used). */
  protected abstract loggerBindings(): Record<string, unknown>;

  /**
   * Created on first read: an AbortController per message cost more than everything else the
   * pipeline does per message (createAbortSignal was the top self-time function of a no-op run),
   * and most handlers never read it. Aborted when the partition's revoke or the stop times out.
   */
  get signal(): AbortSignal {
    this.handlerSignal ??= this.createSignal();
    return this.handlerSignal.signal;
  }

  /** Unregisters the signal (if one was created) once the work left the handler. */
  release(): void {
    this.handlerSignal?.release();
  }

  get state(): Map<string | symbol, unknown> {
    this.stateMap ??= new Map();
    return this.stateMap;
  }

  pause(ms: number): never {
    throw new PauseRequest(ms);
  }

  // A child logger per message costs more than the no-op handler it would wrap: build it on first use.
  get logger(): Logger {
    this.childLogger ??= this.parentLogger.child(this.loggerBindings());
    return this.childLogger;
  }
  set logger(logger: Logger) {
    this.childLogger = logger;
  }
}
