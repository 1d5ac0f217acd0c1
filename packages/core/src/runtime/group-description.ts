import type { ResolvedGroupOptions } from '../config/group-options.js';
import type { GroupDefinition } from '../model/definitions.js';

/** A group's subscription and effective settings, as `TributaryApp.describeGroups()` returns them. */
export interface GroupDescription {
  groupId: string;
  /** Subscribed topics (or patterns, as written on the handlers). */
  topics: string[];
  ordering: 'partition' | 'key' | 'unordered';
  concurrency: number;
  maxInFlight: number;
  commitIntervalMs: number;
  rebalanceProtocol: 'eager' | 'cooperative';
  groupProtocol: 'classic' | 'consumer';
  groupInstanceId?: string;
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
}

export function describeGroup(definition: GroupDefinition, o: ResolvedGroupOptions): GroupDescription {
  return {
    groupId: definition.groupId,
    topics: [...definition.handlersByTopic.keys()],
    ordering: o.ordering,
    concurrency: o.concurrency,
    maxInFlight: o.maxInFlight,
    commitIntervalMs: o.commitIntervalMs,
    rebalanceProtocol: o.rebalanceProtocol,
    groupProtocol: o.groupProtocol,
    ...(o.groupInstanceId ? { groupInstanceId: o.groupInstanceId } : {}),
    sessionTimeoutMs: o.sessionTimeoutMs,
    maxPollIntervalMs: o.maxPollIntervalMs,
  };
}
