#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { produceTasks } from './produce-tasks.js';

const positive = (name: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number`);
  return n;
};

const program = new Command('task-producer')
  .description(
    'Produces realistic task events (task-created, later task-completed for the same task id, keyed by task id)',
  )
  .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)', process.env.KAFKA_BROKERS)
  .option('-r, --rate <events/s>', 'events per second (0 = as fast as possible)', positive('--rate'), 100)
  .option('-d, --duration <seconds>', 'stop after this long', positive('--duration'))
  .option('-n, --count <events>', 'stop after this many events', positive('--count'))
  .option('-p, --poison <share>', 'share of malformed events, e.g. 0.01', positive('--poison'), 0)
  .option('--seed <n>', 'random seed (repeatable runs)', positive('--seed'))
  .option('--manifest <file>', 'append one JSON line per acknowledged event')
  .action(async (opts) => {
    if (!opts.brokers) program.error('no brokers: pass --brokers or set KAFKA_BROKERS', { exitCode: 2 });
    if (opts.duration === undefined && opts.count === undefined)
      program.error('give --duration or --count', { exitCode: 2 });
    if (opts.poison > 1) program.error('--poison is a share between 0 and 1', { exitCode: 2 });
    const result = await produceTasks({
      brokers: opts.brokers,
      rate: opts.rate,
      count: opts.count,
      durationMs: opts.duration === undefined ? undefined : opts.duration * 1000,
      poisonShare: opts.poison,
      seed: opts.seed,
      manifest: opts.manifest,
      onProgress: (p) =>
        process.stderr.write(
          `\r[task-producer] ${(p.elapsedMs / 1000).toFixed(0)}s produced ${p.produced} acked ${p.acknowledged} poison ${p.poison}   `,
        ),
    });
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`task-producer: ${err.message}\n`);
  process.exit(1);
});
