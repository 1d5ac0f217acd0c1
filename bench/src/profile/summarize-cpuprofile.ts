#!/usr/bin/env node
/**
 * Summarizes `.cpuprofile` files (from `node --cpu-prof`, e.g. `npm run bench -- --cpu-prof dir`):
 * time per area (Tributary, rxjs, the binding, node, GC, idle) and the top functions by self time.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { type CpuProfile, summarize } from './cpuprofile.js';

const ms = (n: number) => n.toFixed(1).padStart(9);

new Command('summarize-cpuprofile')
  .description('Top functions by self time, and self time per area, of V8 .cpuprofile files')
  .argument('<files...>', '.cpuprofile files')
  .option(
    '--top <n>',
    'functions to list',
    (t) => {
      const n = Number(t);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--top must be a positive integer');
      return n;
    },
    30,
  )
  .option('--sort <key>', 'self | total', 'self')
  .option('--area <text>', 'list only functions whose area contains this text')
  .action((files: string[], opts: { top: number; sort: 'self' | 'total'; area?: string }) => {
    for (const file of files) {
      const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
      const busy = summary.areas.filter((a) => a.area !== 'idle').reduce((n, a) => n + a.selfMs, 0);
      console.log(`\n${file}: ${summary.durationMs.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms not idle`);
      console.log('\n   self ms  share  area');
      for (const a of summary.areas)
        console.log(`${ms(a.selfMs)}  ${((a.selfMs / summary.durationMs) * 100).toFixed(1).padStart(5)}%  ${a.area}`);
      const key = opts.sort === 'total' ? 'totalMs' : 'selfMs';
      const top = summary.functions
        .filter((f) => !opts.area || f.area.includes(opts.area))
        .sort((a, b) => b[key] - a[key])
        .slice(0, opts.top);
      console.log(`\n   self ms  total ms  function (area) location`);
      for (const f of top) console.log(`${ms(f.selfMs)} ${ms(f.totalMs)}  ${f.name} (${f.area}) ${f.location}`);
    }
  })
  .parse();
