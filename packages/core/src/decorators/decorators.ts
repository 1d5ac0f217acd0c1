import 'reflect-metadata';
import { injectable } from 'tsyringe';
import type { GroupOptions } from '../config/schema.js';
import type { ConsumeBatchOptions, ConsumeOptions } from '../handlers/consume-options.js';
import type { MiddlewareLike } from '../middleware/middleware.js';
import {
  appendMetadata,
  CONSUME_METADATA,
  GROUP_METADATA,
  HOOK_METADATA,
  type HookKind,
  MIDDLEWARE_METADATA,
} from './metadata-keys.js';

/** Marks a class as the handlers of consumer group `groupId` and makes it injectable. */
export function ConsumerGroup(groupId: string, options: GroupOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(GROUP_METADATA, { groupId, options }, target);
    injectable()(target as never);
  };
}

/**
 * Marks a method as the handler of a topic, topics, or a topic pattern (`/^orders\..+/`):
 * `(msg: Message<T>, ctx: MessageContext<T>) => Promise<void>`.
 */
export function Consume(spec: string | RegExp | Array<string | RegExp> | ConsumeOptions): MethodDecorator {
  return (target, method) => appendMetadata(CONSUME_METADATA, target.constructor, { method, spec });
}

/**
 * Marks a method as a batch handler: `(messages: Message<T>[], ctx: BatchContext<T>) => Promise<void>`,
 * the messages of one partition (partition ordering) or one key (key ordering), in offset order, at
 * most `maxSize` (default 100). `ctx.resolve(offset)` settles a prefix early; a throw runs the
 * unsettled ones again. Middleware around it must handle batches (`handlesBatches`).
 */
export function ConsumeBatch(spec: string | RegExp | Array<string | RegExp> | ConsumeBatchOptions): MethodDecorator {
  return (target, method) => appendMetadata(CONSUME_METADATA, target.constructor, { method, spec, batch: true });
}

const hook =
  (kind: HookKind): (() => MethodDecorator) =>
  () =>
  (target, method) =>
    appendMetadata(HOOK_METADATA, target.constructor, { kind, method });

/** Runs with the newly assigned partitions, after they are assigned and before their first message. */
export const OnPartitionsAssigned = hook('assigned');
/** Runs with revoked partitions after their in-flight work finished and was committed, before release. */
export const OnPartitionsRevoked = hook('revoked');
/** Runs when the assignment was lost (session timeout): nothing was committed for these partitions. */
export const OnPartitionsLost = hook('lost');

/** Middleware around one handler, innermost (after app-wide and group middleware). */
export function UseMiddleware(...middleware: MiddlewareLike[]): MethodDecorator {
  return (target, method) => appendMetadata(MIDDLEWARE_METADATA, target.constructor, { method, middleware });
}

/** The group id of a class decorated with `@ConsumerGroup`, else undefined (for integrations that discover handler classes). */
export function consumerGroupOf(cls: unknown): string | undefined {
  if (typeof cls !== 'function') return undefined;
  return (Reflect.getMetadata(GROUP_METADATA, cls) as { groupId?: string } | undefined)?.groupId;
}
