import { formatLagTable, LagError, type LagSnapshot, readLag, withTrend } from '@tributary/lag';
import type { Command } from 'commander';
import { requiredOption } from '../required-option.js';
import { canRedraw } from '../terminal.js';
import { exitOnUsageError } from '../usage-error.js';
import { brokersOption, collect, positiveNumber } from './common-options.js';

interface LagOptions {
  brokers?: string;
  group: string;
  topic?: string[];
  watch?: boolean;
  interval: string;
  json?: boolean;
  timeout: string;
}

/**
 * One refresh of the table. On a terminal `--watch` redraws in place; redirected (a file, a pipe, CI)
 * it appends blocks, each headed by its time, so the output reads as a log without control codes.
 */
export function renderWatchedTable(table: string, at: number, stream: { isTTY?: boolean }): string {
  return canRedraw(stream) ? `\x1b[2J\x1b[H${table}\n` : `${new Date(at).toISOString()}\n${table}\n\n`;
}

export function registerLagCommand(program: Command): void {
  program
    .command('lag')
    .description("Show a consumer group's lag per partition, like kafka-consumer-groups --describe")
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .addOption(requiredOption('-g, --group <id>', 'consumer group (required)'))
    .option('-t, --topic <name>', 'only this topic (repeatable; default: every topic the group committed on)', collect)
    .option('-w, --watch', 'refresh every --interval seconds, with the lag trend and time to catch up')
    .option('-i, --interval <seconds>', 'refresh interval with --watch', '2')
    .option('--json', 'print JSON instead of the table (one line per refresh with --watch)')
    .option('--timeout <ms>', 'broker request timeout', '5000')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary lag --brokers 127.0.0.1:9092 --group notification-service\n' +
        '  tributary lag -g notification-service --topic task-created --watch --interval 5\n' +
        '  KAFKA_BROKERS=kafka-0:9092,kafka-1:9092 tributary lag -g notification-service --json | jq .totalLag\n\n' +
        'Redirected to a file or a pipe, --watch appends one block per refresh instead of redrawing.',
    )
    .action(async (opts: LagOptions) => {
      let intervalMs: number;
      let read: () => Promise<LagSnapshot>;
      try {
        intervalMs = positiveNumber('interval', opts.interval) * 1000;
        const timeoutMs = positiveNumber('timeout', opts.timeout);
        const brokers = brokersOption(opts.brokers);
        const topics = opts.topic?.length ? opts.topic : undefined;
        read = () => readLag({ brokers, group: opts.group, topics, timeoutMs });
      } catch (err) {
        exitOnUsageError(err, () => false);
      }
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
        else if (opts.watch)
          process.stdout.write(renderWatchedTable(formatLagTable(rows, { trend: true }), snapshot.at, process.stdout));
        else process.stdout.write(`${formatLagTable(rows)}\n`);
        if (!opts.watch) return;
        previous = snapshot;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    });
}
