import { writeFileSync } from 'node:fs';
import { VerifyInputError, verifyDelivery } from '@tributary/testing/verify';
import type { Command } from 'commander';
import { requiredOption } from '../required-option.js';
import { exitOnUsageError } from '../usage-error.js';
import { type VerifyFlags, verifyOptions } from '../verify/verify-options.js';
import { collect } from './common-options.js';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Run your app through reliability scenarios (scaling, restarts, SIGKILL, rebalance storms, poison, broker faults, ' +
        'slow handlers) on an embedded broker, and count lost, duplicated and out-of-order messages from what happened',
    )
    .addOption(requiredOption('-a, --app <file>', 'entry module that creates and starts a TributaryApp (required)'))
    .option(
      '-s, --scenario <list>',
      'comma-separated: scale, rolling-restart, sigkill, storm, poison, broker-faults, slow-handler (default: all)',
    )
    .option('-n, --instances <count>', 'app processes', '3')
    .option('-d, --duration <seconds>', 'how long each scenario produces and applies its faults', '60')
    .option('-r, --rate <msgs/s>', 'messages produced per second', '500')
    .option('-p, --partitions <count>', 'partitions of each topic', '6')
    .option(
      '-m, --messages <file>',
      'your messages: a .jsonl file ({"key","value","headers"} a line) or a module exporting (n) => message',
    )
    .option('-e, --env <KEY=VALUE>', 'environment of every instance (repeatable; {instance} = m1, m2, …)', collect)
    .option('--redis', 'start a throwaway redis-server; instances get REDIS_URL')
    .option('--group <id>', 'for an app on another client (it calls recordHandled): its consumer group')
    .option('--topic <name>', 'with --group: a topic it consumes (repeatable)', collect)
    .option(
      '--expect <key=value>',
      'change an expectation (repeatable), e.g. crashDuplicatesPerKill=100, order=false',
      collect,
    )
    .option(
      '--settle <seconds>',
      'after a scenario, how long to wait for everything to be handled and committed',
      '120',
    )
    .option('--json', 'print the report as JSON on stdout instead of the table')
    .option('--report <file>', 'also write the report as markdown to this file')
    .option('--logs <dir>', "keep each run's logs under this directory (kept when a scenario fails)")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary verify --app dist/main.js --scenario sigkill,storm --instances 3 --duration 60\n' +
        '  tributary verify --app dist/main.js --messages test/events.jsonl --env HTTP_PORT=0 --report report.md\n' +
        '  tributary verify --app dist/main.js --scenario poison --json | jq .ok\n\n' +
        'Each instance runs `node <app>` with KAFKA_BROKERS set; the kit injects a recording middleware into\n' +
        'every TributaryApp the process creates (its brokers are replaced by the embedded one), so counting\n' +
        'never depends on your handler. Call recordEffect(id) (@tributary/testing/record) after a side effect\n' +
        'to get "effect duplicates". Expectations (exit 1 when one fails): lost 0, graceful duplicates 0,\n' +
        'crash duplicates ≤ kills × (maxInFlight + 2 commit intervals of messages), effect duplicates 0\n' +
        'but for those a kill between an effect and its id marked done explains (≤ kills × concurrency),\n' +
        'the order the app promises, final lag 0, bad records in <topic>.dlq. Exit 2: bad options or app.',
    )
    .action(async (flags: VerifyFlags & { json?: boolean; report?: string }) => {
      let options: ReturnType<typeof verifyOptions>;
      try {
        options = verifyOptions(flags);
      } catch (err) {
        exitOnUsageError(err, () => false);
      }
      const started = performance.now();
      const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
      let report: Awaited<ReturnType<typeof verifyDelivery>>;
      try {
        report = await verifyDelivery({
          ...options,
          onProgress: (line) => process.stderr.write(`[verify ${elapsed()}] ${line}\n`),
        });
      } catch (err) {
        exitOnUsageError(err, (e) => e instanceof VerifyInputError);
      }
      if (flags.report) writeFileSync(flags.report, report.document);
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ ok: report.ok, group: report.group, rows: report.rows })}\n`);
      else process.stdout.write(`${report.markdown}\n`);
      process.stderr.write(report.ok ? 'every guarantee held\n' : 'a guarantee did not hold: see "failed:" above\n');
      process.exitCode = report.ok ? 0 : 1;
    });
}
