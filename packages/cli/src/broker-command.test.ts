import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const bin = join(__dirname, 'bin.js');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

test('tributary broker --help documents the flags', () => {
  const result = run(['broker', '--help']);
  assert.equal(result.status, 0);
  for (const flag of ['--brokers', '--topic', 'name:partitions']) assert.match(result.stdout, new RegExp(flag));
});

test('invalid input is one line naming the problem, exit code 2', () => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['broker', '--topic', 'x:abc'], {}, /--topic: partition count of "x" must be a positive integer, got "abc"/],
    [['broker', '--brokers', '0'], {}, /--brokers must be a positive integer, got "0"/],
    [
      ['broker', '--topic', 'x:6'],
      { TRIBUTARY_LIBRDKAFKA: '/nonexistent/librdkafka.so.1' },
      /librdkafka build missing: \/nonexistent\/librdkafka.so.1 not found/,
    ],
  ];
  for (const [args, env, message] of cases) {
    const result = run(args, env);
    assert.equal(result.status, 2, `${args.join(' ')} exits 2 (stderr: ${result.stderr})`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${result.stderr}`);
    assert.match(lines[0] as string, message);
  }
});

test('tributary broker --topic x:6 prints bootstrap.servers within 5 s and stops cleanly on SIGINT', async () => {
  const child = spawn(process.execPath, [bin, 'broker', '--topic', 'x:6'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no output in 5 s: ${out}`)), 5_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0] as string);
      }
    });
  });
  assert.match(line, /^bootstrap\.servers=127\.0\.0\.1:\d+$/);
  assert.ok(Date.now() - started < 5_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});
