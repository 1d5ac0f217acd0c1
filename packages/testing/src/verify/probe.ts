import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupDescription } from '@tributary/core';
import { VERIFY_ENV } from './member/record.js';
import { VerifyInputError } from './messages.js';
import { RECORDER_PRELOAD } from './scenario.js';

/**
 * Runs the app once with the recorder's probe switch: its first `TributaryApp.create` writes the
 * groups' descriptions and exits before connecting. What the kit learns the topics, the group and
 * the settings (ordering, maxInFlight, commit interval) from, without asking the user.
 */
export async function probeApp(
  app: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<GroupDescription[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-verify-probe-'));
  const file = join(dir, 'groups.json');
  try {
    const child = spawn(process.execPath, ['--require', RECORDER_PRELOAD, app], {
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('{instance}', 'probe')])),
        // Never contacted: the probe exits inside TributaryApp.create, before the app connects.
        KAFKA_BROKERS: '127.0.0.1:9',
        [VERIFY_ENV.brokers]: '127.0.0.1:9',
        [VERIFY_ENV.probe]: file,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    if (!existsSync(file)) {
      throw new VerifyInputError(
        `${app} did not create a TributaryApp (${code === null ? `still running after ${timeoutMs} ms` : `it exited with ${code}`}); ` +
          `pass the group and topics for an app on another client. Its output:\n${output.trim().slice(-2000)}`,
      );
    }
    const groups = JSON.parse(readFileSync(file, 'utf8')) as GroupDescription[];
    if (groups.length === 0) throw new VerifyInputError(`${app} has no consumer group`);
    return groups;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
