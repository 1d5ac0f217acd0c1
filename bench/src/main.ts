#!/usr/bin/env node
/**
 * `npm run bench`: one embedded broker (its own process), the data produced once per workload, every
 * contender run in turn in its own worker process with a fresh consumer group, warm-up + repetitions.
 * Progress on stderr; results to bench/results/latest.{md,json} and a timestamped copy.
 */
import { loadavg } from 'node:os';
import { startBrokerProcess } from '@tributary/broker';
import { Command, InvalidArgumentError } from 'commander';
import { matchesOnly, NOOP_CONTENDERS, QUICK_CONTENDERS } from './contenders/variants.js';
import { describeMachine } from './machine.js';
import { makePlan } from './plan.js';
import { progress } from './progress.js';
import { writeResults } from './report/write-results.js';
import { WORKLOADS } from './workloads/all.js';
import type { WorkloadContext, WorkloadResult } from './workloads/types.js';

const positiveInt = (name: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const program = new Command('tributary-bench')
  .description('Tributary against the raw client, KafkaJS and NestJS on one embedded broker, side by side')
  .option(
    '--only <contenders>',
    `comma-separated contenders or prefixes (e.g. raw,tributary; a prefix matches names continuing with - + or a space): ${NOOP_CONTENDERS.map((c) => c.name).join(', ')}`,
    list,
  )
  .option('--workloads <list>', `comma-separated workloads: ${WORKLOADS.map((w) => w.id).join(', ')}`, list)
  .option('--reps <n>', 'measured repetitions per contender (after one warm-up)', positiveInt('--reps'))
  .option(
    '--messages <n>',
    'backlog size of the no-op and memory workloads (default 240000; keep it under ~5 MiB per partition)',
    positiveInt('--messages'),
  )
  .option(
    '--quick',
    'a shorter run (~3–4 minutes): 1 repetition (scaling: 3 rounds), smaller backlogs, shorter streams, a few contenders per workload, no breakdown',
    false,
  )
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of every worker process to this directory')
  .option(
    '--out <dir>',
    'where results go (default bench/results; a partial run with --only/--workloads writes partial-*.md/json)',
  )
  .action(
    async (opts: {
      only?: string[];
      workloads?: string[];
      reps?: number;
      messages?: number;
      quick: boolean;
      cpuProf?: string;
      out?: string;
    }) => {
      const unknown = (opts.workloads ?? []).filter((id) => !WORKLOADS.some((w) => w.id === id));
      if (unknown.length > 0)
        program.error(`unknown workload(s): ${unknown.join(', ')} (known: ${WORKLOADS.map((w) => w.id).join(', ')})`, {
          exitCode: 2,
        });
      const plan = makePlan({ quick: opts.quick, reps: opts.reps, messages: opts.messages });
      // --quick: a smoke run of every workload but the breakdown, one or two contenders each.
      const workloads = WORKLOADS.filter((w) =>
        opts.workloads ? opts.workloads.includes(w.id) : !(opts.quick && w.id === 'breakdown'),
      );
      const machine = describeMachine();
      progress(
        `${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}, librdkafka ${machine.librdkafka}, load ${machine.loadAverageAtStart}`,
      );
      progress(
        `workloads: ${workloads.map((w) => w.id).join(', ')}; ${plan.reps} repetition(s)${plan.quick ? ' (quick)' : ''}`,
      );
      const started = performance.now();
      const broker = await startBrokerProcess({ topics: [] });
      progress(`embedded broker pid ${broker.pid} at ${broker.bootstrapServers}`);
      const ctx: WorkloadContext = {
        plan,
        broker,
        selected: (name) => (opts.quick && !opts.only ? QUICK_CONTENDERS.has(name) : matchesOnly(name, opts.only)),
        workerExecArgv: opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : [],
      };
      const results: WorkloadResult[] = [];
      try {
        for (const workload of workloads) {
          progress(`── ${workload.title}: preparing`);
          await workload.prepare(ctx);
          results.push(...(await workload.run(ctx)));
        }
      } finally {
        await broker.stop();
      }
      const files = await writeResults(
        {
          machine,
          plan,
          startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
          durationSeconds: (performance.now() - started) / 1000,
          loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100,
          partial: Boolean(opts.only || opts.workloads),
          args: process.argv.slice(2),
        },
        results,
        opts.out,
      );
      progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; results: ${files.join(', ')}`);
    },
  );

program.parseAsync().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
