import { type Sample, scrape } from '@tributary/lag';
import type { InstanceView } from './snapshot.js';

/** One poll of an instance: its metrics, and what its /health/ready (same base URL) says. */
export interface InstancePoll {
  url: string;
  /** The metrics answered. */
  up: boolean;
  error?: string;
  samples: Sample[];
  /** From /health/ready, when it answers JSON. */
  instance?: string;
  assigned: string[];
  /** `topic/partition`s it holds by `app.pause()` (from /health/ready). */
  held: string[];
  ready?: boolean;
  reason?: string;
}

interface ReadyBody {
  instance?: string;
  ready?: boolean;
  reason?: string;
  groups?: Array<{ group?: string; assigned?: string[]; held?: string[] }>;
}

const why = (err: unknown) => {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'no answer within the timeout';
  return e.cause?.code ?? e.message;
};

/** Polls one instance; never throws (a failed poll is `up: false` with the reason). */
export async function pollInstance(url: string, group: string, timeoutMs = 800): Promise<InstancePoll> {
  const base = url.replace(/\/metrics\/?$/, '');
  const [metrics, health] = await Promise.allSettled([
    scrape(url, timeoutMs),
    // 503 (not ready) still carries the JSON body.
    fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) }).then(
      (r) => r.json() as Promise<ReadyBody>,
    ),
  ]);
  if (metrics.status === 'rejected')
    return { url, up: false, error: why(metrics.reason), samples: [], assigned: [], held: [] };
  const ready = health.status === 'fulfilled' ? health.value : undefined;
  const groups = ready?.groups?.filter((g) => g.group === undefined || g.group === group) ?? [];
  return {
    url,
    up: true,
    samples: metrics.value,
    instance: ready?.instance,
    assigned: groups.flatMap((g) => g.assigned ?? []),
    held: groups.flatMap((g) => g.held ?? []),
    ready: ready?.ready,
    reason: ready?.reason,
  };
}

interface Known {
  name?: string;
  state: InstanceView['state'];
  since: number;
  lastSeenAt?: number;
}

/**
 * What each metrics URL is over time: up while it answers; gone once it stopped answering after
 * having answered (it keeps the name it had, and says since when); unseen if it never answered.
 * Only `up` instances are instances of the group for counting and findings.
 */
export class InstanceTracker {
  private readonly known = new Map<string, Known>();

  constructor(private readonly startedAt = Date.now()) {}

  update(polls: InstancePoll[], at: number): InstanceView[] {
    return polls.map((poll) => {
      const before = this.known.get(poll.url);
      const next: Known = poll.up
        ? {
            name: poll.instance ?? before?.name,
            state: 'up',
            since: before?.state === 'up' ? before.since : at,
            lastSeenAt: at,
          }
        : before && before.state !== 'unseen'
          ? { ...before, state: 'gone', since: before.state === 'gone' ? before.since : at }
          : { state: 'unseen', since: this.startedAt };
      this.known.set(poll.url, next);
      return {
        url: poll.url,
        instance: next.name ?? new URL(poll.url).host,
        state: next.state,
        since: next.since,
        ...(next.state === 'gone' ? { lastSeenAt: next.lastSeenAt } : {}),
        ...(poll.error ? { lastError: poll.error } : {}),
        partitions: poll.up ? poll.assigned.length : 0,
        ...(poll.up && poll.ready !== undefined ? { ready: poll.ready } : {}),
        ...(poll.up && poll.reason ? { reason: poll.reason } : {}),
      };
    });
  }

  /** The name an instance had when it last answered (for owners of a member whose instance is gone). */
  nameOf(url: string): string | undefined {
    return this.known.get(url)?.name;
  }
}
