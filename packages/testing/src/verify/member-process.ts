import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface Member {
  /** The process's name in the run (unique: its log is `<dir>/<name>.jsonl`). */
  readonly name: string;
  /** The logical instance it plays (a restart keeps it; `{instance}` in env values). */
  readonly instance: string;
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  readonly startedAt: number;
  exitedAt?: number;
  readonly exited: Promise<number | null>;
  readonly alive: boolean;
  /** True once it ended other than by a clean exit 0 (killed, crashed): its duplicates are crash-caused. */
  readonly crashed: boolean;
  /** Sends `signal` (SIGTERM: graceful) and resolves with the exit code (-1 when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const live = new Set<ChildProcess>();
// Whatever happens to the process that runs the scenarios, no member outlives it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `node <argv>` with `env` over this process's environment, stdout and stderr appended to `out`. */
export function spawnMember(o: {
  name: string;
  instance: string;
  argv: string[];
  env: Record<string, string>;
  out: string;
}): Member {
  const out = openSync(o.out, 'a');
  const child = spawn(process.execPath, o.argv, { env: { ...process.env, ...o.env }, stdio: ['ignore', out, out] });
  closeSync(out);
  live.add(child);
  let exitedAt: number | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      exitedAt = Date.now();
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  return {
    name: o.name,
    instance: o.instance,
    child,
    env: o.env,
    startedAt: Date.now(),
    get exitedAt() {
      return exitedAt;
    },
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    // Ended by a signal (one it did not handle) or a non-zero exit: no graceful stop ran.
    get crashed() {
      return child.signalCode !== null || (child.exitCode !== null && child.exitCode !== 0);
    },
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
