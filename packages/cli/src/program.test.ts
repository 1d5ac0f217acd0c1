import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { renderWatchedTable } from './commands/lag.js';
import { buildProgram } from './program.js';
import { checkRequiredOptions } from './required-option.js';

const bin = join(__dirname, 'bin.js');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
const commands = [
  'broker',
  'lag',
  'diagnose',
  'dashboard',
  'tail',
  'produce',
  'offsets',
  'offsets reset',
  'dlq',
  'dlq list',
  'dlq show',
  'dlq replay',
];
/** Commands that run something (not only a group of subcommands): they have options to check. */
const leaves = commands.filter((name) => name !== 'offsets' && name !== 'dlq');

test('tributary --version and -V print the version of @tributary/cli', () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = run([flag]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  }
});

test('a misspelt option is an error that suggests the right one, for every command, exit code 2', () => {
  const cases: Array<[string[], string, string]> = [
    // --group is required too: the suggestion must win over "required option not specified".
    [['lag', '--grup', 'x'], '--grup', '--group'],
    [['lag', '--group', 'g', '--wacth'], '--wacth', '--watch'],
    [['diagnose', '--group', 'g', '--windw', '3'], '--windw', '--window'],
    [['dashboard', '--group', 'g', '--prot', '1'], '--prot', '--port'],
    [['broker', '--topics', 'x:1'], '--topics', '--topic'],
    [['tail', 't', '--folow'], '--folow', '--follow'],
    [['produce', 't', 'v', '--heder', 'a=b'], '--heder', '--header'],
    [['offsets', 'reset', '--group', 'g', '--topic', 't', '--to-earlest'], '--to-earlest', '--to-earliest'],
    [['dlq', 'replay', 'x.dlq', '--exectue'], '--exectue', '--execute'],
  ];
  for (const [args, typo, meant] of cases) {
    const result = run(args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines[0], `error: unknown option '${typo}'`);
    assert.equal(lines[1], `(Did you mean ${meant}?)`);
    const command = ['offsets', 'dlq'].includes(args[0] as string) ? `${args[0]} ${args[1]}` : args[0];
    assert.equal(lines[2], `(run 'tributary ${command} --help' for usage and examples)`);
    assert.equal(result.stdout, '');
  }
});

test('a missing required option is still reported, before anything runs', () => {
  for (const command of ['lag', 'diagnose', 'dashboard']) {
    const result = run([command, '--brokers', '127.0.0.1:1']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error: required option '-g, --group <id>' not specified\n/);
  }
  const reset = run(['offsets', 'reset', '--brokers', '127.0.0.1:1', '--group', 'g', '--to-earliest']);
  assert.equal(reset.status, 2, reset.stderr);
  assert.match(reset.stderr, /^error: required option '-t, --topic <name>' not specified\n/);
  for (const args of [['tail'], ['produce'], ['dlq', 'list']]) {
    const result = run(args);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error: missing required argument/);
  }
});

/** The example command lines of a --help text (continuations joined), as argv after `tributary`. */
function examplesOf(help: string): string[][] {
  const section = /\nExamples:\n((?: {2}.*\n?)+)/.exec(help)?.[1] ?? '';
  return section
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const command = line.replace(/#.*$/, '').split(/[|>]/)[0] as string; // drop comments, pipes, redirects
      const words = command.trim().split(/\s+/);
      return words.slice(words.indexOf('tributary') + 1);
    });
}

/** The command an example runs (subcommands followed), and the words after its name. */
function commandOf(argv: string[]): { command: Command; path: string; rest: string[] } {
  let command: Command = buildProgram();
  let i = 0;
  for (; i < argv.length; i++) {
    const sub = command.commands.find((c) => c.name() === argv[i]);
    if (!sub) break;
    command = sub;
  }
  assert.ok(i > 0, `example runs a known command: ${argv.join(' ')}`);
  return { command, path: argv.slice(0, i).join(' '), rest: argv.slice(i) };
}

test("every command's --help has examples, and each example parses with that command's options", () => {
  for (const name of ['', ...commands]) {
    const result = run(name ? [...name.split(' '), '--help'] : ['--help']);
    assert.equal(result.status, 0, result.stderr);
    const examples = examplesOf(result.stdout);
    assert.ok(examples.length >= 2, `tributary ${name} --help has examples:\n${result.stdout}`);
    for (const argv of examples) {
      if (name) assert.ok(argv.join(' ').startsWith(name), `an example of ${name} runs ${name}: ${argv.join(' ')}`);
      const { command, rest } = commandOf(argv);
      assert.equal(command.commands.length, 0, `example runs a command, not a group: ${argv.join(' ')}`);
      command.exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
      const parsed = command.parseOptions(rest);
      assert.deepEqual(parsed.unknown, [], `tributary ${argv.join(' ')}`);
      const args = command.registeredArguments;
      const required = args.filter((a) => a.required).length;
      assert.ok(
        parsed.operands.length >= required && parsed.operands.length <= args.length,
        `tributary ${argv.join(' ')}: ${parsed.operands.length} argument(s) for ${args.map((a) => a.name()).join(', ') || 'none'}`,
      );
      assert.doesNotThrow(() => checkRequiredOptions(command), `tributary ${argv.join(' ')} has the required options`);
    }
  }
});

test('no option states its default twice, and empty repeatable options show no "(default: [])"', () => {
  for (const name of leaves) {
    const help = run([...name.split(' '), '--help']).stdout;
    const options = /\nOptions:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
    const entries = options.split(/\n(?= {2}-)/);
    assert.ok(entries.length > 2, options);
    for (const entry of entries) {
      assert.ok((entry.match(/default/g) ?? []).length <= 1, `tributary ${name}: ${entry}`);
      assert.doesNotMatch(entry, /\(default: \[\]\)/, `tributary ${name}: ${entry}`);
    }
  }
  assert.equal(run(['dashboard', '--help']).stdout.match(/127\.0\.0\.1"?\)/g)?.length, 1);
});

test('lag --watch redraws in place only on a terminal', () => {
  const term = process.env.TERM;
  try {
    process.env.TERM = 'xterm-256color';
    assert.equal(renderWatchedTable('T', 0, { isTTY: true }), '\x1b[2J\x1b[HT\n');
    assert.equal(renderWatchedTable('T', 0, { isTTY: false }), '1970-01-01T00:00:00.000Z\nT\n\n');
    assert.equal(renderWatchedTable('T', 0, {}), '1970-01-01T00:00:00.000Z\nT\n\n');
    process.env.TERM = 'dumb';
    assert.ok(!renderWatchedTable('T', 0, { isTTY: true }).includes('\x1b'), 'TERM=dumb: no control codes');
  } finally {
    if (term === undefined) delete process.env.TERM;
    else process.env.TERM = term;
  }
});
