import { diagnose, formatFindings, LagError, type LagSnapshot, readLag, type Sample, scrape } from '@tributary/lag';
import type { Command } from 'commander';
import { requiredOption } from '../required-option.js';
import { canRedraw } from '../terminal.js';
import { exitOnUsageError, UsageError } from '../usage-error.js';
import { brokersOption, collect } from './common-options.js';

export function registerDiagnoseCommand(program: Command): void {
  program
    .command('diagnose')
    .description(
      'Watch a group for a while and explain its lag: hot partitions, slow handlers, idle members, rebalances, DLQ',
    )
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .addOption(requiredOption('-g, --group <id>', 'consumer group (required)'))
    .option('-t, --topic <name>', 'only this topic (repeatable)', collect)
    .option('-m, --metrics <url>', "an instance's /metrics endpoint (repeatable)", collect)
    .option('--window <seconds>', 'how long to observe', '10')
    .option('--slow-ms <ms>', 'handler p99 above this is slow', '100')
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary diagnose --brokers 127.0.0.1:9092 --group notification-service --window 30\n' +
        '  tributary diagnose -g notification-service --metrics http://10.0.0.5:9464/metrics \\\n' +
        '      --metrics http://10.0.0.6:9464/metrics\n' +
        '  tributary diagnose -g notification-service --window 60 --slow-ms 250 --json > findings.json\n\n' +
        'Progress goes to stderr (one line per second when it is not a terminal), findings to stdout.',
    )
    .action(
      async (opts: {
        brokers?: string;
        group: string;
        topic?: string[];
        metrics?: string[];
        window: string;
        slowMs: string;
        json?: boolean;
      }) => {
        try {
          const brokers = brokersOption(opts.brokers);
          const windowMs = Number(opts.window) * 1000;
          if (!(windowMs > 0)) throw new UsageError('--window must be a positive number of seconds');
          const topics = opts.topic?.length ? opts.topic : undefined;
          const read = () => readLag({ brokers, group: opts.group, topics, members: false });
          const scrapeAll = () =>
            Promise.all(
              (opts.metrics ?? []).map((url) =>
                scrape(url).catch((err: Error) => {
                  throw new UsageError(`cannot read metrics from ${url}: ${err.message}`);
                }),
              ),
            );
          const snapshots: LagSnapshot[] = [await read()];
          const firstMetrics: Sample[][] = await scrapeAll();
          const started = Date.now();
          // On a terminal the progress line is redrawn in place; elsewhere each one is appended.
          const redraw = canRedraw(process.stderr);
          while (Date.now() - started < windowMs) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, windowMs)));
            snapshots.push(await read());
            const progress = `[diagnose] observed ${Math.round((Date.now() - started) / 1000)}/${opts.window} s, total lag ${snapshots.at(-1)?.totalLag}`;
            process.stderr.write(redraw ? `\r${progress}   ` : `${progress}\n`);
          }
          if (redraw) process.stderr.write('\n');
          const lastMetrics = await scrapeAll();
          const findings = diagnose({
            snapshots,
            metrics: firstMetrics.map((first, i) => ({ first, last: lastMetrics[i] as Sample[] })),
            slowHandlerMs: Number(opts.slowMs),
          });
          process.stdout.write(opts.json ? `${JSON.stringify(findings, null, 2)}\n` : `${formatFindings(findings)}\n`);
        } catch (err) {
          exitOnUsageError(err, (e) => e instanceof LagError);
        }
      },
    );
}
