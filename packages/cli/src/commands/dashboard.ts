import { startDashboard } from '@tributary/dashboard';
import type { Command } from 'commander';
import { stopSignal } from '../stop-signal.js';
import { exitOnUsageError, UsageError } from '../usage-error.js';
import { brokersOption, collect } from './common-options.js';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(
      'Serve a live web dashboard of a consumer group: lag chart, partitions and owners, throughput, p50/p99, rebalances, findings',
    )
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .requiredOption('-g, --group <id>', 'consumer group')
    .option('-t, --topic <name>', 'only this topic (repeatable)', collect, [])
    .option('-m, --metrics <url>', "an instance's /metrics endpoint (repeatable)", collect, [])
    .option('-p, --port <port>', 'port to listen on', '8080')
    .option('--host <address>', 'address to bind (default 127.0.0.1: this machine only)', '127.0.0.1')
    .action(
      async (opts: {
        brokers?: string;
        group: string;
        topic: string[];
        metrics: string[];
        port: string;
        host: string;
      }) => {
        let dashboard: Awaited<ReturnType<typeof startDashboard>>;
        try {
          const port = Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new UsageError(`--port must be 0–65535, got "${opts.port}"`);
          for (const url of opts.metrics)
            if (!URL.canParse(url)) throw new UsageError(`--metrics must be a URL, got "${url}"`);
          dashboard = await startDashboard({
            brokers: brokersOption(opts.brokers),
            group: opts.group,
            topics: opts.topic.length ? opts.topic : undefined,
            metrics: opts.metrics,
            port,
            host: opts.host,
          });
        } catch (err) {
          exitOnUsageError(err, (e) => (e as { code?: string }).code === 'EADDRINUSE');
        }
        const stopped = stopSignal(); // before announcing the URL
        process.stdout.write(`dashboard: ${dashboard.url}  (Ctrl-C to stop)\n`);
        await stopped;
        await dashboard.close();
      },
    );
}
