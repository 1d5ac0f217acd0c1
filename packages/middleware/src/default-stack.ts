import type { MiddlewareFn } from '@tributary/core';
import { type DeadLetterOptions, deadLetter } from './dead-letter/dead-letter.js';
import { type LoggingOptions, logging } from './logging.js';
import { type RetryOptions, retry } from './retry/retry.js';
import { type TracingOptions, tracing } from './tracing.js';

export interface DefaultStackOptions {
  logging?: LoggingOptions | false;
  tracing?: TracingOptions | false;
  /** Without it, final failures go back to the core, which holds the partition at the message. */
  deadLetter?: DeadLetterOptions;
  retry?: RetryOptions | false;
  /** Extra middleware (e.g. metrics) placed right after logging. */
  extra?: MiddlewareFn[];
}

/**
 * The usual stack, outermost first: logging → tracing → extra (metrics) → dead letter → retry.
 * Logging sees every attempt's outcome, the DLQ sees only final failures, retry wraps the handler.
 */
export function defaultMiddleware(options: DefaultStackOptions = {}): MiddlewareFn[] {
  const stack: MiddlewareFn[] = [];
  if (options.logging !== false) stack.push(logging(options.logging));
  if (options.tracing !== false) stack.push(tracing(options.tracing || {}));
  stack.push(...(options.extra ?? []));
  if (options.deadLetter) stack.push(deadLetter(options.deadLetter));
  if (options.retry !== false) stack.push(retry(options.retry || {}));
  return stack;
}
