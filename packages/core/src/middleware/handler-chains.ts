import type { Resolver } from '../app/resolver.js';
import type { MessageContext } from '../message.js';
import type { GroupDefinition } from '../model/definitions.js';
import { compose, type MiddlewareFn, resolveMiddleware } from './middleware.js';

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
    chains.set(
      handler.name,
      compose([...appMiddleware, ...groupChain, ...own], (c) => handler.invoke(c.message, c)),
    );
  }
  return chains;
}
