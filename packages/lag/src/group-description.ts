import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** A member as the group coordinator describes it (DescribeGroups). */
export interface GroupMember {
  memberId: string;
  /** `group.instance.id`: set for static members. */
  groupInstanceId?: string;
  clientId: string;
  host: string;
  /** `topic/partition` it owns; Kafka fills assignments only while the group is Stable. */
  assigned: string[];
}

export interface GroupDescription {
  state: 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | 'Empty' | 'Unknown';
  /** The assignor in use (e.g. `cooperative-sticky`); empty for an empty group. */
  protocol: string;
  members: GroupMember[];
}

/**
 * DescribeGroups for one classic group, asked from a child process (see describe-members.ts).
 * Undefined when the broker does not answer it: it lacks DescribeGroups (the stock mock cluster),
 * the group is a KIP-848 one (GROUP_ID_NOT_FOUND), or the broker is unreachable.
 */
export function describeGroup(
  brokers: string,
  group: string,
  timeoutMs = 3_000,
): Promise<GroupDescription | undefined> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(__dirname, 'describe-members.js'), brokers, group, String(timeoutMs)],
      { timeout: timeoutMs + 1_000 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        try {
          resolve(JSON.parse(stdout) as GroupDescription);
        } catch {
          resolve(undefined);
        }
      },
    );
  });
}
