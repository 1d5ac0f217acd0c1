// Makes the embedded broker's consumer-group coordinator behave like Kafka's: applies
// packages/broker/native/kafka-faithful-coordinator.patch to the librdkafka sources that
// @confluentinc/kafka-javascript ships (deps/librdkafka, built by `npm ci`) and rebuilds only what
// the patch touches (the mock cluster's files: the client code is librdkafka's own), then installs
// the library where the binding and the broker load it. Idempotent and cheap when in place: a stamp
// beside the library records the hash of the patch it was built from.
// Only node: built-ins here (it runs from scripts/setup.mjs).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BINDING = join('node_modules', '@confluentinc', 'kafka-javascript');
const PATCH = join('packages', 'broker', 'native', 'kafka-faithful-coordinator.patch');

/**
 * @param root the repository root
 * @param run (cmd, args, { cwd, label }) => Promise<exit code>: runs a logged command
 * @returns a short status for the setup's progress line
 */
export async function ensureFaithfulBroker(root, run) {
  const binding = join(root, BINDING);
  const sources = join(binding, 'deps', 'librdkafka');
  const installed = join(binding, 'build', 'deps', 'librdkafka.so.1');
  const stampPath = join(binding, 'build', 'deps', '.tributary-broker.json');
  // The patch as last applied to the sources, so that a changed patch can be reverted first.
  const appliedPath = join(sources, '.tributary-applied.patch');
  const patch = readFileSync(join(root, PATCH));
  const patchHash = createHash('sha256').update(patch).digest('hex');

  if (readJson(stampPath)?.patchHash === patchHash && existsSync(installed)) return 'up to date';
  if (!existsSync(join(sources, 'Makefile.config'))) {
    throw new Error(`${sources} was not configured by npm ci (a prebuilt binding?): cannot rebuild librdkafka`);
  }

  const patchArgs = (file, ...extra) => ['-p1', '--forward', '--batch', '-d', sources, '-i', file, ...extra];
  const applied = existsSync(appliedPath) ? readFileSync(appliedPath) : undefined;
  if (!applied?.equals(patch)) {
    if (applied) await mustRun(run, 'patch', patchArgs(appliedPath, '--reverse'), 'revert the previous patch');
    await mustRun(run, 'patch', patchArgs(join(root, PATCH)), 'apply the patch');
    writeFileSync(appliedPath, patch);
  }
  // Incremental: the objects of the npm ci build are still there, so only the mock cluster recompiles.
  await mustRun(run, 'make', ['-C', join(sources, 'src'), '-j2', 'librdkafka.so.1'], 'rebuild librdkafka');
  // Replaced by a rename: a running process keeps the library it has mapped.
  copyFileSync(join(sources, 'src', 'librdkafka.so.1'), `${installed}.tmp`);
  renameSync(`${installed}.tmp`, installed);
  writeFileSync(stampPath, `${JSON.stringify({ patchHash, at: new Date().toISOString() }, null, 2)}\n`);
  return applied ? 'rebuilt (the patch changed)' : 'patched and rebuilt';
}

async function mustRun(run, cmd, args, label) {
  const code = await run(cmd, args, label);
  if (code !== 0) throw new Error(`${label} failed (${cmd} exited with ${code})`);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
