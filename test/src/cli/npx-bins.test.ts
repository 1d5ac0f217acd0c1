import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mock, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..');

type LinkBins = (root: string) => { linked: string[]; missing: string[] };
const loadLinkBins = async () =>
  ((await import(pathToFileURL(join(root, 'scripts', 'link-bins.mjs')).href)) as { linkBins: LinkBins }).linkBins;

/** `npx …` from the repo root, as a newcomer types it. Offline: it must resolve locally, never fetch. */
const npx = (args: string[]) =>
  spawnSync('npx', args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });

test('npx tributary --help works from the repo root (setup linked the workspace bin)', () => {
  const result = npx(['tributary', '--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Usage: tributary \[options\] \[command\]\n/);
  for (const command of ['broker', 'lag', 'diagnose', 'dashboard'])
    assert.match(result.stdout, new RegExp(`\\n  ${command} `));
});

test('npx tributary broker --help passes the subcommand through', () => {
  const result = npx(['tributary', 'broker', '--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Usage: tributary broker \[options\]\n/);
  assert.match(result.stdout, /--topic <name:partitions>/);
});

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o644 });
}

test('linkBins links every workspace bin, executable, and is idempotent', async (t) => {
  const linkBins = await loadLinkBins();
  const warn = mock.method(console, 'warn', () => {});
  const dir = mkdtempSync(join(tmpdir(), 'link-bins-'));
  t.after(() => {
    warn.mock.restore();
    rmSync(dir, { recursive: true, force: true });
  });
  write(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', workspaces: ['packages/*', 'tool'] }));
  write(
    join(dir, 'packages/a/package.json'),
    JSON.stringify({ name: '@x/a', bin: { 'a-cli': 'dist/a.js', 'a-unbuilt': 'dist/none.js' } }),
  );
  write(join(dir, 'packages/a/dist/a.js'), '#!/usr/bin/env node\nconsole.log("a ran");\n');
  write(join(dir, 'packages/b/package.json'), JSON.stringify({ name: '@x/b', bin: 'dist/b.js' })); // named "b"
  write(join(dir, 'packages/b/dist/b.js'), '#!/usr/bin/env node\nconsole.log("b ran");\n');
  write(join(dir, 'tool/package.json'), JSON.stringify({ name: 'tool' }));
  mkdirSync(join(dir, 'packages/not-a-package'));
  const bin = (name: string) => join(dir, 'node_modules', '.bin', name);

  const first = linkBins(dir);
  assert.deepEqual(first.linked.sort(), ['a-cli', 'b']);
  assert.deepEqual(first.missing, ['a-unbuilt']);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(String(warn.mock.calls[0]?.arguments[0]), /a-unbuilt -> packages\/a\/dist\/none\.js is not built/);
  assert.equal(readlinkSync(bin('a-cli')), '../../packages/a/dist/a.js');
  assert.equal(statSync(join(dir, 'packages/b/dist/b.js')).mode & 0o777, 0o755);
  assert.equal(spawnSync(bin('b'), { encoding: 'utf8' }).stdout, 'b ran\n'); // runs as a command

  assert.deepEqual(linkBins(dir).linked, [], 'nothing to do the second time');

  // npm's own link (through node_modules/<name>) resolves to the same file: kept as it is.
  mkdirSync(join(dir, 'node_modules/@x'), { recursive: true });
  symlinkSync('../../packages/a', join(dir, 'node_modules/@x/a'));
  rmSync(bin('a-cli'));
  symlinkSync('../@x/a/dist/a.js', bin('a-cli'));
  // A dangling link and a stray file are replaced.
  rmSync(bin('b'));
  symlinkSync('../../packages/b/dist/gone.js', bin('b'));
  assert.deepEqual(linkBins(dir).linked, ['b']);
  assert.equal(readlinkSync(bin('a-cli')), '../@x/a/dist/a.js');
  assert.equal(spawnSync(bin('b'), { encoding: 'utf8' }).stdout, 'b ran\n');
  rmSync(bin('b'));
  writeFileSync(bin('b'), 'not a link');
  assert.deepEqual(linkBins(dir).linked, ['b']);
  assert.ok(lstatSync(bin('b')).isSymbolicLink());
});
