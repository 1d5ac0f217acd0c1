import { newActionToken, startDashboard } from '@tributary/dashboard';
import type { Command } from 'commander';
import { requiredOption } from '../required-option.js';
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
    .addOption(requiredOption('-g, --group <id>', 'consumer group (required)'))
    .option('-t, --topic <name>', 'only this topic (repeatable)', collect)
    .option('-m, --metrics <url>', "an instance's /metrics endpoint (repeatable)", collect)
    .option('-p, --port <port>', 'port to listen on', '8080')
    .option('--host <address>', 'address to bind (loopback: this machine only; 0.0.0.0: every interface)', '127.0.0.1')
    .option(
      '--allow-actions',
      'enable pause/resume and DLQ replay from the page; prints a token every action needs (start the instances with it: CONTROL_TOKEN)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary dashboard --brokers 127.0.0.1:9092 --group notification-service \\\n' +
        '      --metrics http://127.0.0.1:9464/metrics\n' +
        '  tributary dashboard -g notification-service --port 0    # any free port; the URL is printed\n' +
        '  tributary dashboard -g notification-service --host 0.0.0.0 --port 8080   # reachable from other machines\n' +
        '  tributary dashboard -g notification-service -m http://127.0.0.1:9464/metrics --allow-actions   # prints a token\n' +
        '  CONTROL_TOKEN=$(openssl rand -hex 16) tributary dashboard -g notification-service --allow-actions   # the instances’ token\n\n' +
        'With --allow-actions, start the instances with the same token (the notification service: CONTROL_TOKEN)\n' +
        'and type it in the page; every action needs it.',
    )
    .action(
      async (opts: {
        brokers?: string;
        group: string;
        topic?: string[];
        metrics?: string[];
        port: string;
        host: string;
        allowActions?: boolean;
      }) => {
        let dashboard: Awaited<ReturnType<typeof startDashboard>>;
        const token = opts.allowActions ? (process.env.CONTROL_TOKEN ?? newActionToken()) : undefined;
        try {
          const port = Number(opts.port);
          if (token !== undefined && token.length < 16)
            throw new UsageError('CONTROL_TOKEN must be at least 16 characters');
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new UsageError(`--port must be 0–65535, got "${opts.port}"`);
          const metrics = opts.metrics ?? [];
          for (const url of metrics)
            if (!URL.canParse(url)) throw new UsageError(`--metrics must be a URL, got "${url}"`);
          dashboard = await startDashboard({
            brokers: brokersOption(opts.brokers),
            group: opts.group,
            topics: opts.topic?.length ? opts.topic : undefined,
            metrics,
            port,
            host: opts.host,
            ...(token ? { actions: { token } } : {}),
          });
        } catch (err) {
          exitOnUsageError(err, (e) => (e as { code?: string }).code === 'EADDRINUSE');
        }
        const stopped = stopSignal(); // before announcing the URL
        if (token) process.stdout.write(`actions token: ${token}\n`);
        process.stdout.write(`dashboard: ${dashboard.url}  (Ctrl-C to stop)\n`);
        await stopped;
        await dashboard.close();
      },
    );
}
