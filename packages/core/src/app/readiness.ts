import type { GroupStats } from '../runtime/group-consumer.js';

/** One group's part of `app.readiness()`. */
export interface GroupReadiness {
  group: string;
  /** At least one assignment seen since start. */
  joined: boolean;
  /** The poll loop has not polled for longer than `stuckAfterMs` (or not yet at all). */
  stuck: boolean;
  missingTopics: string[];
  assigned: string[];
  inMemory: number;
  paused: number;
  /** `topic/partition`s held by `app.pause()` (their lag grows on purpose until resumed). */
  held: string[];
}

/** What `/health/ready`, `@tributary/nestjs`'s health indicator and the dashboard read. */
export interface Readiness {
  ready: boolean;
  status: string;
  /** Why not ready, naming the group (and, for a group waiting for topics, the topics). */
  reason?: string;
  groups: GroupReadiness[];
}

/**
 * Ready = running, every subscribed topic exists, every group joined (an assignment seen) and
 * every group's poll loop polled within `stuckAfterMs`. Pure: the app passes its state in.
 */
export function assessReadiness(
  status: string,
  stats: readonly GroupStats[],
  joined: ReadonlySet<string>,
  stuckAfterMs: number,
  now = Date.now(),
): Readiness {
  const groups = stats.map(
    (s): GroupReadiness => ({
      group: s.groupId,
      joined: joined.has(s.groupId),
      stuck: s.lastPollAt === 0 || now - s.lastPollAt > stuckAfterMs,
      missingTopics: s.missingTopics,
      assigned: s.assigned.map((p) => `${p.topic}/${p.partition}`),
      inMemory: s.inMemory,
      paused: s.paused.length,
      held: s.held.map((p) => `${p.topic}/${p.partition}`),
    }),
  );
  const reasons = [
    ...(status === 'running' ? [] : [`the app is ${status}`]),
    ...groups.flatMap((g) => {
      if (g.missingTopics.length > 0) {
        return [`group ${g.group}: waiting for missing topics ${g.missingTopics.join(', ')}`];
      }
      if (!g.joined) return [`group ${g.group}: no partitions assigned yet`];
      if (g.stuck) return [`group ${g.group}: the poll loop has not polled for over ${stuckAfterMs / 1000} s`];
      return [];
    }),
  ];
  const ready = reasons.length === 0;
  return { ready, status, ...(ready ? {} : { reason: reasons.join('; ') }), groups };
}
