import type { Logger } from 'pino';
import { closestMatch } from '../did-you-mean.js';

/** How often a waiting member asks the cluster again whether its missing topics exist. */
export const TOPIC_RECHECK_MS = 5_000;
/** How often a waiting member says which topics it still waits for. */
export const MISSING_TOPICS_LOG_MS = 30_000;
const METADATA_TIMEOUT_MS = 10_000;

export interface TopicLookup {
  /** Partition count of every topic the cluster lists (never creates one). */
  topicPartitionCounts(timeoutMs?: number): Promise<Map<string, number>>;
}

export interface TopicCheck {
  /** Every topic the cluster has (with partitions). */
  existing: string[];
  present: string[];
  missing: string[];
  /** A missing topic → the existing topic it most likely misspells. */
  suggestions: Record<string, string>;
}

/**
 * Splits the subscription into topics the cluster has and topics it does not. A topic listed
 * without partitions (just created, or unauthorized) counts as missing until it has some. A
 * regex subscription (`^…`) matches whatever exists, so it is never missing.
 */
export async function checkTopics(lookup: TopicLookup, subscribed: readonly string[]): Promise<TopicCheck> {
  const counts = await lookup.topicPartitionCounts(METADATA_TIMEOUT_MS);
  const existing = [...counts].filter(([, partitions]) => partitions > 0).map(([name]) => name);
  const exists = (t: string) => t.startsWith('^') || (counts.get(t) ?? 0) > 0;
  const missing = subscribed.filter((t) => !exists(t));
  const suggestions: Record<string, string> = {};
  for (const topic of missing) {
    const match = closestMatch(topic, existing);
    if (match) suggestions[topic] = match;
  }
  return { existing, present: subscribed.filter(exists), missing, suggestions };
}

export interface TopicWaitDeps {
  lookup: TopicLookup;
  subscribed: readonly string[];
  logger: Logger;
  /** Called whenever more of the subscription exists than before, with every topic that does. */
  onPresent(present: string[]): void;
}

/**
 * `missingTopics: 'wait'`: asks the cluster every `TOPIC_RECHECK_MS` until every subscribed topic
 * exists, subscribing to each as it appears. It says which topics are missing once per
 * `MISSING_TOPICS_LOG_MS` (not once per check), and once when the last one appeared.
 */
export class TopicWaiter {
  private missingNow: string[] = [];
  private presentNow: string[] = [];
  private timer?: NodeJS.Timeout;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly deps: TopicWaitDeps) {}

  /** The topics still missing at the last check. */
  get missing(): readonly string[] {
    return this.missingNow;
  }

  /** Starts from the check `start()` made (whose present topics are subscribed already). */
  begin(first: TopicCheck): void {
    this.presentNow = first.present;
    this.apply(first);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private apply(check: TopicCheck): void {
    const appeared = check.present.filter((t) => !this.presentNow.includes(t));
    this.missingNow = check.missing;
    this.presentNow = check.present;
    if (appeared.length > 0) this.deps.onPresent(check.present);
    if (check.missing.length === 0) {
      this.deps.logger.info({ appeared }, 'every subscribed topic exists now: consuming all of them');
      return;
    }
    if (appeared.length > 0) {
      this.deps.logger.info({ appeared, missingTopics: check.missing }, 'subscribed topics appeared: consuming them');
    }
    if (performance.now() - this.lastLogAt >= MISSING_TOPICS_LOG_MS) {
      this.lastLogAt = performance.now();
      this.deps.logger.warn(
        { missingTopics: check.missing, suggestions: check.suggestions, consuming: check.present },
        `waiting for missing topics: ${check.missing.join(', ')} (missingTopics: 'wait'; checking every ${TOPIC_RECHECK_MS / 1000} s)`,
      );
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.recheck(), TOPIC_RECHECK_MS);
    // A member waiting for topics must not keep a stopped process alive.
    this.timer.unref();
  }

  private async recheck(): Promise<void> {
    let check: TopicCheck;
    try {
      check = await checkTopics(this.deps.lookup, this.deps.subscribed);
    } catch (err) {
      // The cluster did not answer; the client's own errors say why. Try again later.
      this.deps.logger.debug({ err }, 'topic metadata request failed');
      this.schedule();
      return;
    }
    if (this.stopped) return;
    this.apply(check);
  }
}
