/**
 * Child-process entry: DescribeGroups for one group, printed as JSON. It runs in its own process
 * because the binding can crash (SIGSEGV) when a broker lacks DescribeGroups (librdkafka's stock
 * mock cluster does): a crash here only means "member columns unknown".
 * argv: brokers group timeoutMs
 */
import { AdminClient, type GroupDescriptions } from '@confluentinc/kafka-javascript';

const [brokers, group, timeout] = process.argv.slice(2);
const admin = AdminClient.create({ 'bootstrap.servers': brokers, log_level: 0 } as never);
admin.describeGroups([group as string], { timeout: Number(timeout) }, (err: unknown, result: GroupDescriptions) => {
  if (err) process.exit(1);
  const owners: Record<string, { consumerId: string; host: string; clientId: string }> = {};
  for (const member of result.groups[0]?.members ?? []) {
    for (const tp of member.assignment?.topicPartitions ?? []) {
      owners[`${tp.topic}/${tp.partition}`] = {
        consumerId: member.memberId,
        host: member.clientHost,
        clientId: member.clientId,
      };
    }
  }
  process.stdout.write(JSON.stringify(owners));
  admin.disconnect();
  process.exit(0);
});
