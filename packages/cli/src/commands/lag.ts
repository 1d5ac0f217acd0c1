import { formatLagTable, LagError, type LagSnapshot, readLag, withTrend } from '@tributary/lag';
import type { Command } from 'commander';
import { exitOnUsageError } from '../usage-error.js';
import { brokersOption, collect } from './common-options.js';

export function registerLagCommand(program: Command): void {
  program
    .command('lag')
    .description("Show a consumer group's lag per partition, like kafka-consumer-groups --describe")
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .requiredOption('-g, --group <id>', 'consumer group')
    .option(
      '-t, --topic <name>',
      'only this topic (repeatable); default: every topic the group committed on',
      collect,
      [],
    )
    .option('-w, --watch', 'refresh every --interval seconds, with the lag trend and time to catch up')
    .option('-i, --interval <seconds>', 'refresh interval with --watch', '2')
    .option('--json', 'print JSON instead of the table')
    .option('--timeout <ms>', 'broker request timeout', '5000')
    .action(
      async (opts: {
        brokers?: string;
        group: string;
        topic: string[];
        watch?: boolean;
        interval: string;
        json?: boolean;
        timeout: string;
      }) => {
        const read = () =>
          readLag({
            brokers: brokersOption(opts.brokers),
            group: opts.group,
            topics: opts.topic.length ? opts.topic : undefined,
            timeoutMs: Number(opts.timeout),
          });
        let previous: LagSnapshot | undefined;
        for (;;) {
          let snapshot: LagSnapshot;
          try {
            snapshot = await read();
          } catch (err) {
            exitOnUsageError(err, (e) => e instanceof LagError);
          }
          const rows = withTrend(previous, snapshot);
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ at: snapshot.at, group: snapshot.group, totalLag: snapshot.totalLag, rows })}\n`,
            );
          else {
            if (opts.watch) process.stdout.write('\x1b[2J\x1b[H');
            process.stdout.write(`${formatLagTable(rows, { trend: Boolean(opts.watch) })}\n`);
          }
          if (!opts.watch) return;
          previous = snapshot;
          await new Promise((resolve) => setTimeout(resolve, Number(opts.interval) * 1000));
        }
      },
    );
}
