import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The notification service's entry point, run as its own process by the suites. */
export const serviceMain = join(__dirname, '..', '..', '..', 'apps', 'notification-service', 'dist', 'main.js');

export interface ServiceProcess {
  instance: string;
  file: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts one instance with the file notifier writing to `<dir>/<instance>.jsonl`. */
export function startServiceProcess(instance: string, dir: string, env: Record<string, string>): ServiceProcess {
  const file = join(dir, `${instance}.jsonl`);
  const child = spawn(process.execPath, [serviceMain], {
    env: {
      ...process.env,
      INSTANCE_ID: instance,
      NOTIFIER: 'file',
      NOTIFY_FILE: file,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      SESSION_TIMEOUT_MS: '4000',
      HEARTBEAT_INTERVAL_MS: '400',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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

export interface NotificationLine {
  eventId: string;
  instance: string;
  kind: string;
}

/** Every notification written by the given instances' file notifiers. */
export function readNotifications(files: string[]): NotificationLine[] {
  return files.flatMap((file) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as NotificationLine)
      : [],
  );
}
