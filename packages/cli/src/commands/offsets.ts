import { type GroupDescription, type OffsetReader, type OpenTopic, openTopic } from '@tributary/lag';
import type { Command } from 'commander';
import { CommandError, exitOnKnownError } from '../command-error.js';
import { formatTable } from '../format/table.js';
import { selectPartitions } from '../kafka/positions.js';
import { parseResetSpec, planReset, type ResetFlags, type ResetRow } from '../offsets/reset-plan.js';
import { requiredOption } from '../required-option.js';
import { brokersOption, positiveNumber } from './common-options.js';

interface ResetOptions extends ResetFlags {
  brokers?: string;
  group: string;
  topic: string;
  partition?: string;
  execute?: boolean;
  timeout: string;
}

export function registerOffsetsCommand(program: Command): void {
  const offsets = program
    .command('offsets')
    .description("Change a consumer group's committed offsets")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary offsets reset --group notification-service --topic task-created --to-earliest\n' +
        '  tributary offsets reset -g notification-service -t task-created --shift-by -100 --execute',
    );
  offsets
    .command('reset')
    .description(
      "Reset a group's committed offsets on a topic, like kafka-consumer-groups --reset-offsets: prints " +
        'current and new offset per partition; a dry run unless --execute; refused while the group has members',
    )
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .addOption(requiredOption('-g, --group <id>', 'consumer group (required)'))
    .addOption(requiredOption('-t, --topic <name>', 'topic (required)'))
    .option('-p, --partition <n>', 'only this partition (default: all)')
    .option('--to-earliest', 'to the earliest offset still in the log')
    .option('--to-latest', 'to the log end (skip everything not yet consumed)')
    .option('--to-offset <n>', 'to this offset in each partition')
    .option('--to-datetime <iso>', 'to the first message at or after this time, e.g. 2026-05-01T12:00:00Z')
    .option('--shift-by <n>', 'move the committed offset by n (negative: back, to consume again)')
    .option('--execute', 'commit the new offsets (default: only show them)')
    .option('--timeout <ms>', 'broker request timeout', '10000')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary offsets reset --brokers 127.0.0.1:9092 --group notification-service --topic task-created \\\n' +
        '      --to-datetime 2026-05-01T12:00:00Z\n' +
        '  tributary offsets reset -g notification-service -t task-created --partition 3 --to-offset 1200 --execute\n' +
        '  tributary offsets reset -g notification-service -t task-created --shift-by -100 --execute\n\n' +
        "New offsets are kept inside [earliest, log end]. Stop the group's consumers first: a group with\n" +
        'members (state other than Empty or Dead) is refused, exit code 1.',
    )
    .action(async (opts: ResetOptions) => {
      let open: OpenTopic | undefined;
      try {
        const spec = parseResetSpec(opts);
        const timeoutMs = positiveNumber('timeout', opts.timeout);
        open = await openTopic(brokersOption(opts.brokers), opts.group, opts.topic, timeoutMs);
        const partitions = selectPartitions(opts.topic, open.partitionCount, opts.partition);
        await refuseActiveGroup(open.offsets, opts.group);
        const [committed, atTime] = await Promise.all([
          open.offsets.committed(opts.topic, open.partitionCount),
          spec.kind === 'datetime' ? open.offsets.offsetsForTime(opts.topic, open.partitionCount, spec.at) : [],
        ]);
        const rows = planReset(spec, opts.topic, partitions, committed, open.watermarks, atTime);
        process.stdout.write(`${formatResetTable(opts.group, rows)}\n`);
        if (!opts.execute) {
          process.stdout.write(`dry run: nothing committed; add --execute to commit these offsets for ${opts.group}\n`);
          return;
        }
        await open.offsets.commit(rows.map(({ topic, partition, next }) => ({ topic, partition, offset: next })));
        process.stdout.write(`committed ${rows.length} offset(s) for group ${opts.group} on ${opts.topic}\n`);
      } catch (err) {
        exitOnKnownError(err);
      } finally {
        await open?.offsets.close();
      }
    });
}

/** A group whose consumers are running would overwrite the reset with its next commit: refuse. */
async function refuseActiveGroup(reader: OffsetReader, group: string): Promise<void> {
  const description: GroupDescription | undefined = await reader.describeGroup(group);
  if (!description)
    throw new CommandError(`cannot tell whether group ${group} has members (DescribeGroups failed): nothing reset`);
  if (description.state === 'Empty' || description.state === 'Dead') return;
  throw new CommandError(
    `group ${group} has ${description.members.length} active member(s) (state ${description.state}): ` +
      'stop its consumers before resetting its offsets',
  );
}

export function formatResetTable(group: string, rows: ResetRow[]): string {
  return formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET', 'NOTE'],
    rows.map((r) => [
      group,
      r.topic,
      r.partition,
      r.current ?? '-',
      r.next,
      r.requested === undefined ? '' : `clamped from ${r.requested}`,
    ]),
  );
}
