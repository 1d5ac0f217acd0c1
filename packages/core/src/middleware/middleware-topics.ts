import type { Ordering } from '../config/schema.js';
import { HandlerRegistrationError } from '../errors.js';
import type { GroupDefinition, HandlerDefinition } from '../model/definitions.js';
import { HandlerRouter, isPattern } from '../model/handler-routing.js';

/**
 * The key under which a middleware names topics it needs consumed besides its handler's own
 * (the retry topics of `retryTopics()`). `Symbol.for`: a second copy of core reads the same key.
 */
export const MIDDLEWARE_TOPICS = Symbol.for('tributary.middleware-topics');

/** A topic a middleware needs consumed by the handler it wraps, with the ordering to consume it in. */
export interface MiddlewareTopic {
  topic: string;
  /** Overrides the handler's ordering on this topic (retry topics: `partition`, so a pause holds the head). */
  ordering?: Ordering;
}

/** `(handler topic) => the extra topics` — set on a middleware function under `MIDDLEWARE_TOPICS`. */
export type MiddlewareTopics = (topic: string) => readonly MiddlewareTopic[];

function topicsOf(middleware: unknown): MiddlewareTopics | undefined {
  if ((typeof middleware !== 'function' && typeof middleware !== 'object') || middleware === null) return undefined;
  const declared = (middleware as { [MIDDLEWARE_TOPICS]?: unknown })[MIDDLEWARE_TOPICS];
  return typeof declared === 'function' ? (declared as MiddlewareTopics) : undefined;
}

/**
 * The group with every topic its handlers' middleware declares (app, group and `@UseMiddleware`
 * middleware, functions or objects carrying `MIDDLEWARE_TOPICS`) routed to the same handler —
 * same name, so the same composed chain — in the declared ordering. Patterns declare nothing
 * (their topics are not known up front). A declared topic that already has another handler, or
 * that another handler's pattern matches, throws `HandlerRegistrationError` naming both.
 * Unchanged (the same object) when no middleware declares a topic.
 */
export function withMiddlewareTopics(
  definition: GroupDefinition,
  groupMiddleware: readonly unknown[],
  appMiddleware: readonly unknown[],
): GroupDefinition {
  const added = new Map<string, HandlerDefinition>();
  for (const [subscription, handler] of definition.handlersByTopic) {
    if (isPattern(subscription)) continue;
    for (const middleware of [...appMiddleware, ...groupMiddleware, ...handler.middleware]) {
      for (const extra of topicsOf(middleware)?.(subscription) ?? []) {
        const existing = definition.handlersByTopic.get(extra.topic) ?? added.get(extra.topic);
        if (existing && existing.name !== handler.name) {
          throw new HandlerRegistrationError(
            `${existing.name} and ${handler.name}`,
            `topic "${extra.topic}" (needed by ${handler.name}'s middleware for "${subscription}") already has a handler in group "${definition.groupId}"`,
          );
        }
        if (existing) continue;
        added.set(extra.topic, { ...handler, ordering: extra.ordering ?? handler.ordering });
      }
    }
  }
  if (added.size === 0) return definition;
  const extended: GroupDefinition = {
    ...definition,
    handlersByTopic: new Map([...definition.handlersByTopic, ...added]),
  };
  new HandlerRouter(extended).checkOverlaps([...added.keys()]);
  return extended;
}
