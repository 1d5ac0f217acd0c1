// Packs every packages/* workspace with `npm pack` and checks each tarball holds what its manifest
// promises (entry points, bin) and nothing of the repository's tests. Only node: built-ins here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackagingCheckError, say } from './run.mjs';

/** `{ name, version, tarball }` for each package, the tarballs written to `destination`. */
export function packAll(root, destination) {
  mkdirSync(destination, { recursive: true });
  const workspaces = readdirSync(join(root, 'packages')).map((dir) => `packages/${dir}`);
  const args = ['pack', '--json', '--pack-destination', destination, ...workspaces.flatMap((w) => ['-w', w])];
  say(`  $ npm ${args.join(' ')}   (in ${root})`);
  const reports = JSON.parse(
    execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  return reports.map((report, i) => {
    const dir = join(root, workspaces[i]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (report.name !== manifest.name) throw new PackagingCheckError(`npm pack reported ${report.name} for ${dir}`);
    checkContents(
      manifest,
      report.files.map((f) => f.path),
    );
    say(
      `    ${report.filename}: ${report.entryCount} files, ${(report.size / 1024).toFixed(0)} kB ` +
        `(${(report.unpackedSize / 1024).toFixed(0)} kB unpacked)`,
    );
    return { name: manifest.name, version: manifest.version, tarball: join(destination, report.filename) };
  });
}

function checkContents(manifest, paths) {
  const files = new Set(paths);
  const problems = [];
  if (manifest.private) problems.push('is private');
  const entryPoints = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  for (const target of Object.values(manifest.exports ?? {})) {
    entryPoints.push(...(typeof target === 'string' ? [target] : Object.values(target)));
  }
  for (const target of entryPoints.filter(Boolean)) {
    const path = target.replace(/^\.\//, '');
    if (!files.has(path)) problems.push(`lacks ${path}`);
  }
  const tests = paths.filter((p) => /\.test\.|\.test-util\.|\.tsbuildinfo$/.test(p));
  if (tests.length > 0) problems.push(`ships test files (${tests.slice(0, 3).join(', ')}…)`);
  for (const [field, deps] of Object.entries({
    dependencies: manifest.dependencies,
    peers: manifest.peerDependencies,
  })) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (range === '*' || range.startsWith('workspace:') || range.startsWith('file:')) {
        problems.push(`${field} ${name}@${range} does not resolve outside the workspace`);
      }
    }
  }
  if (problems.length > 0) throw new PackagingCheckError(`${manifest.name}: ${problems.join('; ')}`);
}
