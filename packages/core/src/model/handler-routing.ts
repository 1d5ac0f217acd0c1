import { HandlerRegistrationError } from '../errors.js';
import type { GroupDefinition, HandlerDefinition } from './definitions.js';

/** A subscription entry that is a pattern: librdkafka subscribes by regex when it starts with `^`. */
export const isPattern = (subscription: string): boolean => subscription.startsWith('^');

/**
 * Which handler a topic's messages go to: its own `@Consume(topic)`, else the first handler
 * whose pattern matches it (`@Consume({ topic: /^orders\..+/ })`). Pattern answers are cached
 * per topic; a topic two patterns match (created after start) goes to the first, reported once.
 */
export class HandlerRouter {
  private readonly patterns: Array<{ regex: RegExp; handler: HandlerDefinition }> = [];
  private readonly cache = new Map<string, HandlerDefinition | undefined>();

  constructor(
    private readonly definition: GroupDefinition,
    private readonly onAmbiguous: (topic: string, handlers: string[]) => void = () => {},
  ) {
    for (const [subscription, handler] of definition.handlersByTopic) {
      if (isPattern(subscription)) this.patterns.push({ regex: new RegExp(subscription), handler });
    }
  }

  get hasPatterns(): boolean {
    return this.patterns.length > 0;
  }

  get(topic: string): HandlerDefinition | undefined {
    const own = this.definition.handlersByTopic.get(topic);
    if (own || this.patterns.length === 0) return own;
    if (this.cache.has(topic)) return this.cache.get(topic);
    const matching = this.matching(topic);
    if (matching.length > 1)
      this.onAmbiguous(
        topic,
        matching.map((h) => h.name),
      );
    this.cache.set(topic, matching[0]);
    return matching[0];
  }

  /**
   * Throws `HandlerRegistrationError` naming both handlers when one of `topics` (the cluster's)
   * would reach two of them: two patterns, or a pattern and a handler of its own.
   */
  checkOverlaps(topics: readonly string[]): void {
    for (const topic of topics) {
      const own = this.definition.handlersByTopic.get(topic);
      const matching = [...(own ? [own] : []), ...this.matching(topic)];
      const names = [...new Set(matching.map((h) => h.name))];
      if (names.length > 1) {
        throw new HandlerRegistrationError(
          names.join(' and '),
          `both consume topic "${topic}" in group "${this.definition.groupId}" (a pattern overlaps another handler): narrow the pattern`,
        );
      }
    }
  }

  private matching(topic: string): HandlerDefinition[] {
    return this.patterns.filter((p) => p.regex.test(topic)).map((p) => p.handler);
  }
}
