/**
 * The packages/* manifests describe what a user installs: publishable, one version, an exports map
 * whose targets the build produced, internal ranges that resolve from tarballs, and dependencies
 * that match what the code imports (nothing test-only at runtime, nothing used but undeclared).
 * `scripts/check-packaging.mjs` (run by .ci/run) then installs the packed tarballs for real.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const VERSION = '0.2.0';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  engines?: { node?: string };
  exports?: Record<string, string | { types?: string; default?: string }>;
  files?: string[];
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packageDirs = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const manifests = packageDirs.map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
}));
const byName = new Map(manifests.map((m) => [m.manifest.name, m]));

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') sourceFiles(path, out);
    else if (entry.isFile() && /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const isTestFile = (path: string) => /\.test(-util)?\.ts$/.test(path);
const builtins = new Set(builtinModules);

/** Every module specifier a file imports, requires or resolves (type-only imports included: they reach the .d.ts). */
function specifiers(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\sfrom\s+'([^']+)'/gm,
    /^\s*import\s+'([^']+)'/gm,
    /\b(?:require|require\.resolve|import)\(\s*'([^']+)'\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1] as string);
  return found.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s));
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);

test('every package is publishable: one version, license, engines, exports whose targets were built', () => {
  for (const { dir, manifest: m } of manifests) {
    const where = relative(root, dir);
    assert.equal(m.private, undefined, `${where} is private`);
    assert.equal(m.version, VERSION, `${where} version`);
    assert.equal(m.license, 'Apache-2.0', `${where} license`);
    // Node 20; @tributary/nestjs 20.19 (NestJS 12 is ESM, loaded with require(esm), on by default from 20.19).
    assert.equal(m.engines?.node, m.name === '@tributary/nestjs' ? '>=20.19' : '>=20', `${where} engines.node`);
    assert.ok(m.files?.includes('dist'), `${where} files includes dist`);
    assert.equal(m.exports?.['./package.json'], './package.json', `${where} exports ./package.json`);
    const entry = m.exports?.['.'];
    if (entry === undefined) {
      assert.ok(m.bin, `${where} has neither a "." export nor a bin`);
    } else {
      assert.ok(typeof entry === 'object' && entry.types && entry.default, `${where} "." has types and default`);
      for (const target of [entry.types, entry.default]) {
        assert.ok(existsSync(join(dir, target as string)), `${where}: exports target ${target} was not built`);
      }
    }
    for (const target of Object.values(m.bin ?? {})) assert.ok(existsSync(join(dir, target)), `${where} bin ${target}`);
  }
});

test('internal ranges resolve from tarballs, and every peer is also a dev dependency for the workspace', () => {
  for (const { dir, manifest: m } of manifests) {
    const where = relative(root, dir);
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies'] as const) {
      for (const [name, range] of Object.entries(m[field] ?? {})) {
        if (!byName.has(name)) continue;
        assert.equal(range, `^${VERSION}`, `${where} ${field}.${name}`);
      }
    }
    for (const name of Object.keys(m.peerDependencies ?? {})) {
      assert.ok(m.devDependencies?.[name], `${where}: peer ${name} is not in devDependencies (its builds need it)`);
    }
  }
});

test('dependencies are what the code imports: none test-only or unused, none missing', () => {
  for (const { dir, manifest: m } of manifests) {
    const where = relative(root, dir);
    const files = sourceFiles(join(dir, 'src'));
    const used = (pick: (f: string) => boolean) => new Set(files.filter(pick).flatMap(specifiers).map(packageOf));
    const runtime = used((f) => !isTestFile(f));
    const inTests = used(isTestFile);
    const deps = new Set(Object.keys(m.dependencies ?? {}));
    const peers = new Set(Object.keys(m.peerDependencies ?? {}));
    const dev = new Set(Object.keys(m.devDependencies ?? {}));
    for (const name of runtime) {
      assert.ok(deps.has(name) || peers.has(name), `${where}: src imports ${name}, not in dependencies/peers`);
    }
    for (const name of deps) {
      assert.ok(
        runtime.has(name),
        `${where}: dependency ${name} is not imported outside tests (test-only: devDependencies)`,
      );
    }
    for (const name of inTests) {
      if (name === m.name) continue;
      assert.ok(deps.has(name) || peers.has(name) || dev.has(name), `${where}: tests import undeclared ${name}`);
    }
  }
});

test("no source imports a @tributary package's internals past its exports map", () => {
  const dirs = ['packages', 'apps', 'examples'].flatMap((parent) =>
    existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((name) => join(root, parent, name)) : [],
  );
  const files = [...dirs, join(root, 'test'), join(root, 'bench')].flatMap((d) => sourceFiles(join(d, 'src')));
  const offenders: string[] = [];
  for (const file of files) {
    for (const specifier of specifiers(file)) {
      const target = byName.get(packageOf(specifier));
      if (!target) continue;
      const subpath = `.${specifier.slice(packageOf(specifier).length)}`;
      if (!(subpath in (target.manifest.exports ?? {}))) offenders.push(`${relative(root, file)}: ${specifier}`);
    }
  }
  assert.deepEqual(offenders, []);
});
