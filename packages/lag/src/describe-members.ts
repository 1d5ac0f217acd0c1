/**
 * Child-process entry: DescribeGroups for one group, printed as a `GroupDescription` (JSON). It runs
 * in its own process because the binding can crash (SIGSEGV) when a broker lacks DescribeGroups
 * (librdkafka's stock mock cluster does): a crash here only means "the group's members are unknown".
 * argv: brokers group timeoutMs
 */
import { AdminClient, ConsumerGroupStates, type GroupDescriptions } from '@confluentinc/kafka-javascript';
import type { GroupDescription } from './group-description.js';

const STATES: Record<number, GroupDescription['state']> = {
  [ConsumerGroupStates.PREPARING_REBALANCE]: 'PreparingRebalance',
  [ConsumerGroupStates.COMPLETING_REBALANCE]: 'CompletingRebalance',
  [ConsumerGroupStates.STABLE]: 'Stable',
  [ConsumerGroupStates.DEAD]: 'Dead',
  [ConsumerGroupStates.EMPTY]: 'Empty',
};

const [brokers, group, timeout] = process.argv.slice(2);
const admin = AdminClient.create({ 'bootstrap.servers': brokers, log_level: 0 } as never);
admin.describeGroups([group as string], { timeout: Number(timeout) }, (err: unknown, result: GroupDescriptions) => {
  const found = result?.groups[0] as (GroupDescriptions['groups'][number] & { error?: unknown }) | undefined;
  if (err || !found || found.error) process.exit(1);
  const description: GroupDescription = {
    state: STATES[found.state] ?? 'Unknown',
    protocol: found.protocol,
    members: found.members.map((member) => ({
      memberId: member.memberId,
      ...(member.groupInstanceId ? { groupInstanceId: member.groupInstanceId } : {}),
      clientId: member.clientId,
      host: member.clientHost,
      assigned: (member.assignment?.topicPartitions ?? []).map((tp) => `${tp.topic}/${tp.partition}`),
    })),
  };
  process.stdout.write(JSON.stringify(description));
  admin.disconnect();
  process.exit(0);
});
