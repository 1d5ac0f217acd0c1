import type { Finding } from './diagnose.js';
import type { GroupDescription } from './group-description.js';
import { type Sample, sum } from './prometheus.js';

/** Metrics of one instance at the start and at the end of the window. */
export interface InstanceWindow {
  first: Sample[];
  last: Sample[];
}

/** A counter's increase over the window; a restarted process (counter reset) counts from 0, as PromQL's increase(). */
export function increase(window: InstanceWindow, name: string): number {
  const first = sum(window.first, name);
  const last = sum(window.last, name);
  return last >= first ? last - first : last;
}

/**
 * Members that own nothing. From the group's description when it is Stable (Kafka fills
 * assignments only then; mid-rebalance everybody looks idle), otherwise from the metrics of the
 * instances that answered — idle at both ends of the window, so a member that is still joining
 * does not count. Instances that stopped answering are not passed in and never count.
 */
export function idleMembers(
  partitions: number,
  group: GroupDescription | undefined,
  metrics: InstanceWindow[],
): Finding | undefined {
  if (group?.state === 'PreparingRebalance' || group?.state === 'CompletingRebalance') return undefined; // wait
  let idle: number;
  let members: number;
  let source: string;
  if (group?.state === 'Stable' && group.members.length > 0) {
    idle = group.members.filter((m) => m.assigned.length === 0).length;
    members = group.members.length;
    source = 'the group coordinator (DescribeGroups)';
  } else {
    const owns = (samples: Sample[]) => sum(samples, 'tributary_partition_assigned') > 0;
    idle = metrics.filter((m) => !owns(m.first) && !owns(m.last)).length;
    members = metrics.length;
    source = 'the metrics of the instances that answer (tributary_partition_assigned)';
  }
  if (members === 0 || idle === 0) return undefined;
  const tooMany = members > partitions;
  return {
    id: 'idle-members',
    severity: 'info',
    title: `${idle} of ${members} member(s) own no partition`,
    evidence: [`${partitions} partitions for ${members} members, from ${source}`],
    suggestion: tooMany
      ? 'More members than partitions: the extra ones do nothing. Scale to at most the partition count, or add partitions.'
      : `There are enough partitions (${partitions}) for every member: check that the idle member subscribes to the ` +
        "group's topics and is not stuck joining (its /health/ready reason).",
  };
}

/** Advice that depends on how the members are configured, read from the group's description. */
function membershipAdvice(group: GroupDescription | undefined): string[] {
  if (!group || group.members.length === 0)
    return [
      'Not checked against the members (no group description from DescribeGroups): if they have no ' +
        'groupInstanceId (group.instance.id), static membership lets a restart within session.timeout.ms keep its partitions.',
    ];
  const dynamic = group.members.filter((m) => !m.groupInstanceId);
  const advice: string[] = [];
  if (dynamic.length === 0)
    advice.push(
      `All ${group.members.length} members are already static (group.instance.id set): restarts within ` +
        'session.timeout.ms do not rebalance; these changes come from members joining or leaving for longer ' +
        '(scaling, crashes, a session that expired) — expected while scaling; otherwise check handler time against maxPollIntervalMs.',
    );
  else
    advice.push(
      `${dynamic.length} of ${group.members.length} members have no group.instance.id (${dynamic
        .map((m) => m.clientId || m.memberId)
        .join(
          ', ',
        )}): set groupInstanceId so that a restart does not rebalance; raise maxPollIntervalMs for slow handlers.`,
    );
  if (group.protocol && !group.protocol.startsWith('cooperative'))
    advice.push(
      `The group uses the ${group.protocol} assignor (eager: every member stops at every rebalance): ` +
        "rebalanceProtocol: 'cooperative' moves only the partitions that change owner.",
    );
  return advice;
}

/** Assignment changes the instances saw during the window, with advice checked against the group. */
export function rebalanceFinding(
  seconds: number,
  group: GroupDescription | undefined,
  metrics: InstanceWindow[],
): Finding | undefined {
  const changes = metrics.reduce((n, m) => n + increase(m, 'tributary_rebalances_total'), 0);
  if (changes <= 0) return undefined;
  const evidence = [`tributary_rebalances_total grew by ${changes} over ${metrics.length} instance(s)`];
  if (group && group.members.length > 0) {
    const statics = group.members.filter((m) => m.groupInstanceId).length;
    evidence.push(
      `group ${group.state}, ${group.members.length} members (${statics} static), assignor ${group.protocol || '-'}`,
    );
  }
  return {
    id: 'frequent-rebalances',
    severity: changes > 4 ? 'warning' : 'info',
    title: `${changes} assignment change(s) in ${Math.round(seconds)} s`,
    evidence,
    suggestion: membershipAdvice(group).join(' '),
  };
}

/** Dead-letter topic contents at the start and end of the window (from the broker's offsets). */
export interface DeadLetterWindow {
  first: number;
  last: number;
  topics: string[];
}

/**
 * Messages dead-lettered during the window: from the DLQ topics' offsets when known (they do not
 * vanish with a stopped instance), else from the instances' counters.
 */
export function deadLetterFinding(
  seconds: number,
  deadLetters: DeadLetterWindow | undefined,
  metrics: InstanceWindow[],
): Finding | undefined {
  const fromTopics = deadLetters ? Math.max(0, deadLetters.last - deadLetters.first) : undefined;
  const fromMetrics = metrics.reduce((n, m) => n + increase(m, 'tributary_messages_dead_lettered_total'), 0);
  const dead = fromTopics ?? fromMetrics;
  if (dead <= 0) return undefined;
  const evidence =
    deadLetters && fromTopics !== undefined
      ? [`${deadLetters.topics.join(', ')} grew from ${deadLetters.first} to ${deadLetters.last} messages`]
      : [`tributary_messages_dead_lettered_total grew by ${fromMetrics}`];
  return {
    id: 'dlq-growth',
    severity: 'warning',
    title: `${dead} message(s) dead-lettered in ${Math.round(seconds)} s`,
    evidence,
    suggestion: 'Inspect the <topic>.dlq headers (x-tributary-dlq-error-*) and fix the producer or the schema.',
  };
}
