import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The service's entry point, for running instances as their own processes (demo, tests). */
export const serviceMain = join(__dirname, 'main.js');

export interface ServiceProcess {
  instance: string;
  /** The file notifier's output: one JSON line per notification. */
  file: string;
  child: ChildProcess;
  /** The exit code, or the signal's name when the process ended by a signal (a Nest app re-raises the one it stopped on). */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` (default SIGTERM: graceful) and resolves as `exited`. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts one instance with the file notifier writing to `<dir>/<instance>.jsonl`. `main` is the
 * entry point: this service's by default, or another with the same environment (the Nest one).
 */
export function spawnServiceProcess(
  instance: string,
  dir: string,
  env: Record<string, string>,
  stdio: 'inherit' | 'ignore' = 'inherit',
  main = serviceMain,
): ServiceProcess {
  const file = join(dir, `${instance}.jsonl`);
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      INSTANCE_ID: instance,
      NOTIFIER: 'file',
      NOTIFY_FILE: file,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', stdio, stdio],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    instance,
    file,
    child,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface NotificationRecord {
  eventId: string;
  instance: string;
  kind: string;
}

/** Every notification written by the given file notifiers. */
export function readNotificationFiles(files: string[]): NotificationRecord[] {
  return files.flatMap((file) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as NotificationRecord)
      : [],
  );
}
