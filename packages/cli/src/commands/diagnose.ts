import { diagnose, formatFindings, LagError, type LagSnapshot, readLag, type Sample, scrape } from '@tributary/lag';
import type { Command } from 'commander';
import { exitOnUsageError, UsageError } from '../usage-error.js';
import { brokersOption, collect } from './common-options.js';

export function registerDiagnoseCommand(program: Command): void {
  program
    .command('diagnose')
    .description(
      'Watch a group for a while and explain its lag: hot partitions, slow handlers, idle members, rebalances, DLQ',
    )
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .requiredOption('-g, --group <id>', 'consumer group')
    .option('-t, --topic <name>', 'only this topic (repeatable)', collect, [])
    .option('-m, --metrics <url>', "an instance's /metrics endpoint (repeatable)", collect, [])
    .option('--window <seconds>', 'how long to observe', '10')
    .option('--slow-ms <ms>', 'handler p99 above this is slow', '100')
    .option('--json', 'print the findings as JSON')
    .action(
      async (opts: {
        brokers?: string;
        group: string;
        topic: string[];
        metrics: string[];
        window: string;
        slowMs: string;
        json?: boolean;
      }) => {
        try {
          const brokers = brokersOption(opts.brokers);
          const windowMs = Number(opts.window) * 1000;
          if (!(windowMs > 0)) throw new UsageError('--window must be a positive number of seconds');
          const read = () =>
            readLag({ brokers, group: opts.group, topics: opts.topic.length ? opts.topic : undefined, members: false });
          const scrapeAll = () =>
            Promise.all(
              opts.metrics.map((url) =>
                scrape(url).catch((err: Error) => {
                  throw new UsageError(`cannot read metrics from ${url}: ${err.message}`);
                }),
              ),
            );
          const snapshots: LagSnapshot[] = [await read()];
          const firstMetrics: Sample[][] = await scrapeAll();
          const started = Date.now();
          while (Date.now() - started < windowMs) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, windowMs)));
            snapshots.push(await read());
            process.stderr.write(
              `\r[diagnose] observed ${Math.round((Date.now() - started) / 1000)}/${opts.window} s, total lag ${snapshots.at(-1)?.totalLag}   `,
            );
          }
          process.stderr.write('\n');
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
