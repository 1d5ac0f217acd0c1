/**
 * The one place decorator metadata lives. Decorators only write under these keys
 * (with `Reflect.defineMetadata`); `scanHandlers` is the only reader.
 */
export const GROUP_METADATA = Symbol.for('tributary:consumer-group');
export const CONSUME_METADATA = Symbol.for('tributary:consume');
export const HOOK_METADATA = Symbol.for('tributary:hooks');
export const MIDDLEWARE_METADATA = Symbol.for('tributary:middleware');

import type { HookKind } from '../model/definitions.js';

export type { HookKind };

export interface ConsumeRecord {
  method: string | symbol;
  /** The raw decorator argument, validated by the scanner (so errors name Class.method). */
  spec: unknown;
  /** Set by `@ConsumeBatch`: the method takes `(messages, ctx: BatchContext)`. */
  batch?: true;
}

export interface HookRecord {
  kind: HookKind;
  method: string | symbol;
}

export interface MiddlewareRecord {
  method: string | symbol;
  middleware: unknown[];
}

export function appendMetadata<T>(key: symbol, target: object, record: T): void {
  const list: T[] = Reflect.getOwnMetadata(key, target) ?? [];
  Reflect.defineMetadata(key, [...list, record], target);
}
