// Links every workspace package's `bin` entries into <root>/node_modules/.bin, so `npx tributary`
// (and `task-producer`, `notification-service`) work from the repo root.
//
// Why this exists: npm links a workspace's bin at install time only if its target file exists then,
// and dist/ is built after `npm ci`. Without the link, `npx tributary` resolves to the root package
// (also named "tributary", no bin) and fails with "could not determine executable to run".
//
// Only node: built-ins here: setup.mjs imports this before node_modules may be complete.
// Cheap when everything is in place: a readdir per workspace glob, an lstat and realpath per bin.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** The workspace directories of the root package.json (`dir/*` globs and plain paths). */
function workspaceDirs(root) {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const patterns = Array.isArray(workspaces) ? workspaces : (workspaces.packages ?? []);
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name));
  });
}

/** `[name, absolute target]` for each bin of the workspace at `dir` (none without a package.json). */
function binsOf(dir) {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) return [];
  const { name, bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!bin) return [];
  // A string bin is named after the package, without its scope (npm's rule).
  const entries = typeof bin === 'string' ? [[basename(name), bin]] : Object.entries(bin);
  return entries.map(([binName, target]) => [binName, join(dir, target)]);
}

/** True when `link` already is a symlink that resolves to `target` (npm's own link counts too). */
function linksTo(link, target) {
  let stats;
  try {
    stats = lstatSync(link);
  } catch {
    return false;
  }
  if (!stats.isSymbolicLink()) return false;
  try {
    return realpathSync(link) === realpathSync(target);
  } catch {
    return false; // dangling
  }
}

/**
 * Makes each workspace bin an executable file linked from node_modules/.bin. Idempotent: a link that
 * already resolves to the right file is kept, a wrong or dangling one is replaced. A bin whose target
 * was not built is skipped with a warning (npx would fail on it, but the rest still works).
 * Returns the bin names it linked this time and those it had to skip.
 */
export function linkBins(root) {
  const binDir = join(root, 'node_modules', '.bin');
  const linked = [];
  const missing = [];
  for (const dir of workspaceDirs(root)) {
    for (const [name, target] of binsOf(dir)) {
      if (!existsSync(target)) {
        missing.push(name);
        console.warn(`[setup] warning: bin ${name} -> ${relative(root, target)} is not built; not linked`);
        continue;
      }
      // tsc writes files 0644; npm would have set the mode when linking, so do it here.
      if ((statSync(target).mode & 0o111) !== 0o111) chmodSync(target, 0o755);
      const link = join(binDir, name);
      if (linksTo(link, target)) continue;
      mkdirSync(binDir, { recursive: true });
      rmSync(link, { force: true });
      symlinkSync(relative(dirname(link), target), link);
      linked.push(name);
    }
  }
  return { linked, missing };
}
