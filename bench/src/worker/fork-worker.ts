import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { Job, ParentMessage, RepResult, StreamResult, WorkerMessage } from './jobs.js';

export interface WorkerOptions {
  /** Extra node flags for the worker (e.g. `--cpu-prof`). */
  execArgv?: string[];
  onRep?: (result: RepResult) => void;
  onAssigned?: () => void;
  /** Kill the worker if it has not finished by then. */
  timeoutMs: number;
}

/** A running worker process; `done` settles with its results or the reason it failed. */
export interface WorkerHandle {
  readonly done: Promise<{ results?: RepResult[]; stream?: StreamResult }>;
  readonly assigned: Promise<void>;
  /** Resolves when the worker handled its first message (stream jobs). */
  readonly firstMessage: Promise<void>;
  finish(expected: number | undefined, waitMs: number): void;
  kill(): void;
}

export function forkWorker(job: Job, options: WorkerOptions): WorkerHandle {
  const child: ChildProcess = fork(join(__dirname, 'worker-main.js'), [], {
    execArgv: [...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), ...(options.execArgv ?? [])],
    serialization: 'advanced',
    // Client logs go to stdout: dropped unless BENCH_LOG_LEVEL asks for them (a saturated +mw run
    // logs a slow-handler warning per message). Errors on stderr always show.
    stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  let onAssigned!: () => void;
  const assigned = new Promise<void>((resolve) => {
    onAssigned = resolve;
  });
  let onFirstMessage!: () => void;
  const firstMessage = new Promise<void>((resolve) => {
    onFirstMessage = resolve;
  });
  const done = new Promise<{ results?: RepResult[]; stream?: StreamResult }>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`worker (${job.spec.kind}) did not finish within ${Math.round(options.timeoutMs / 1000)} s`));
    }, options.timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'assigned') {
        onAssigned();
        options.onAssigned?.();
      } else if (message.type === 'first-message') onFirstMessage();
      else if (message.type === 'rep') options.onRep?.(message.result);
      else if (message.type === 'failed') fail(new Error(message.error));
      else if (message.type === 'done' && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ results: message.results, stream: message.stream });
      }
    });
    child.on('exit', (code, signal) =>
      fail(new Error(`worker (${job.spec.kind}) exited (${signal ?? code}) before reporting`)),
    );
  });
  done.catch(() => {}); // callers await it; an early failure must not be an unhandled rejection
  child.send({ type: 'job', job } satisfies ParentMessage);
  return {
    done,
    assigned,
    firstMessage,
    finish: (expected, waitMs) => {
      if (child.connected) child.send({ type: 'finish', expected, waitMs } satisfies ParentMessage);
    },
    kill: () => child.kill('SIGKILL'),
  };
}
