import type { Resolver } from '../app/resolver.js';
import { HandlerRegistrationError } from '../errors.js';
import type { MessageContext } from '../message.js';
import type { GroupDefinition, HandlerDefinition } from '../model/definitions.js';
import { batchHandlerStep } from './batch-handler.js';
import { compose, isBatchAware, type MiddlewareFn, resolveMiddleware } from './middleware.js';

/**
 * Every handler's chain of a group, by handler name: app middleware (outermost), then the group's
 * (`groupMiddleware`: the decorator's, or a `groups[id].middleware` override), then the handler's own
 * `@UseMiddleware`, then the method. The one place that order is decided (the app and the test harness
 * both use it).
 */
export function composeHandlerChains(
  group: GroupDefinition,
  groupMiddleware: readonly unknown[],
  appMiddleware: readonly MiddlewareFn[],
  resolver: Resolver,
): Map<string, (ctx: MessageContext) => Promise<void>> {
  const groupChain = resolveMiddleware([...groupMiddleware], resolver, `@ConsumerGroup(${group.groupId}).middleware`);
  const chains = new Map<string, (ctx: MessageContext) => Promise<void>>();
  for (const handler of new Set(group.handlersByTopic.values())) {
    // A handler routed from more than one entry (a middleware's extra topics) has one chain.
    if (chains.has(handler.name)) continue;
    const own = resolveMiddleware(handler.middleware, resolver, `@UseMiddleware on ${handler.name}`);
    const middleware = [...appMiddleware, ...groupChain, ...own];
    if (handler.batch) {
      checkBatchAware(handler, [
        ['app-wide middleware', appMiddleware],
        [`@ConsumerGroup(${group.groupId}) middleware`, groupChain],
        [`@UseMiddleware on ${handler.name}`, own],
      ]);
      chains.set(handler.name, compose(middleware, batchHandlerStep(handler.batch) as never));
    } else
      chains.set(
        handler.name,
        compose(middleware, (c) => handler.invoke(c.message, c)),
      );
  }
  return chains;
}

/** A batch handler's middleware must all handle batches: one that reads `ctx.message` would misread a batch. */
function checkBatchAware(handler: HandlerDefinition, lists: Array<[string, readonly MiddlewareFn[]]>): void {
  for (const [where, list] of lists) {
    list.forEach((fn, i) => {
      if (isBatchAware(fn)) return;
      throw new HandlerRegistrationError(
        handler.name,
        `is a @ConsumeBatch handler, but ${where}[${i}] (${fn.name || 'anonymous'}) does not handle batches: ` +
          'wrap it with handlesBatches() once it reads ctx.messages for a batch (isBatch(ctx)), or move it to the handlers of single messages',
      );
    });
  }
}
