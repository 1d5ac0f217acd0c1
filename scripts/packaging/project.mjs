// A user's project in a temporary directory, outside the workspaces: package.json, the install as
// the README or the example says it, with the packed tarballs standing in for the registry.
// Only node: built-ins here.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackagingCheckError, run } from './run.mjs';

/**
 * Parses `VAR=value npm install [flags] names…` lines (the README's install snippet) into
 * `{ env, flags, names }`; any other shape is an error, so the README stays something we can run.
 */
export function parseInstallLines(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const words = line.trim().split(/\s+/);
      const env = {};
      while (/^\w+=/.test(words[0] ?? '')) {
        const [key, ...value] = words.shift().split('=');
        env[key] = value.join('=');
      }
      if (words[0] !== 'npm' || words[1] !== 'install') {
        throw new PackagingCheckError(`not an npm install line: ${line}`);
      }
      const rest = words.slice(2);
      return { env, flags: rest.filter((w) => w.startsWith('-')), names: rest.filter((w) => !w.startsWith('-')) };
    });
}

/**
 * Where npm takes each @tributary package from: the tarballs. The project's direct dependencies
 * name them on the command line (or in package.json); the others come in through `overrides`
 * (npm refuses an override of a direct dependency that differs from its spec).
 */
export function tarballOverrides(packages, directNames) {
  return Object.fromEntries(
    packages.filter((p) => !directNames.includes(p.name)).map((p) => [p.name, `file:${p.tarball}`]),
  );
}

/** The version this repository builds and tests with, for a package the README installs by name. */
export function workspaceVersion(root, name) {
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) throw new PackagingCheckError(`${name} is not installed in ${root}/node_modules`);
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

export function updateJson(path, update) {
  const json = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  writeFileSync(path, `${JSON.stringify(update(json), null, 2)}\n`);
}

/** npm with this check's defaults: no audit or fund requests, no update notice. */
export function npm(args, options) {
  return run('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], options);
}
