/**
 * Child-process entry: DescribeGroups for one group, printed as JSON (a `GroupDescription`). It runs
 * in its own process because the binding can crash (SIGSEGV) when a broker lacks DescribeGroups
 * (librdkafka's stock mock cluster does): a crash here only means "group state unknown".
 * argv: brokers group timeoutMs
 */
import { AdminClient, ConsumerGroupStates, type GroupDescriptions } from '@confluentinc/kafka-javascript';
import type { GroupDescription } from './kafka-offsets.js';

/** Kafka's names for the states (the binding gives librdkafka's enum). */
const stateNames: Record<number, string> = {
  [ConsumerGroupStates.PREPARING_REBALANCE]: 'PreparingRebalance',
  [ConsumerGroupStates.COMPLETING_REBALANCE]: 'CompletingRebalance',
  [ConsumerGroupStates.STABLE]: 'Stable',
  [ConsumerGroupStates.DEAD]: 'Dead',
  [ConsumerGroupStates.EMPTY]: 'Empty',
};

const [brokers, group, timeout] = process.argv.slice(2);
const admin = AdminClient.create({ 'bootstrap.servers': brokers, log_level: 0 } as never);
admin.describeGroups([group as string], { timeout: Number(timeout) }, (err: unknown, result: GroupDescriptions) => {
  const described = result?.groups[0];
  if (err || !described || described.error) process.exit(1);
  const description: GroupDescription = {
    state: stateNames[described.state] ?? 'Unknown',
    members: described.members.map((member) => ({
      consumerId: member.memberId,
      host: member.clientHost,
      clientId: member.clientId,
      partitions: (member.assignment?.topicPartitions ?? []).map(({ topic, partition }) => ({ topic, partition })),
    })),
  };
  process.stdout.write(JSON.stringify(description));
  admin.disconnect();
  process.exit(0);
});
