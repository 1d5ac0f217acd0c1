/**
 * The writing side of `verifyDelivery`'s per-process log: one JSON line per handled message, side
 * effect and lifecycle event, appended with `writeSync` to the file named by TRIBUTARY_VERIFY_LOG
 * (set by the kit for each process it starts). A line is in the kernel before the next line of code
 * runs, so a SIGKILL loses nothing that was recorded. Outside a verify run every call is a no-op, so
 * an app may call `recordEffect` in production code.
 *
 * Apps built on `TributaryApp` need none of this: the kit injects a recording middleware (see
 * preload.ts). An app on another client (e.g. a KafkaJS consumer you are migrating) calls
 * `recordHandled` and `recordAssignment` itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { openSync, writeSync } from 'node:fs';
import { coordinates } from '../log-lines.js';

export const VERIFY_ENV = {
  /** The log file of this process. */
  log: 'TRIBUTARY_VERIFY_LOG',
  /** This process's name in the run (unique per process, e.g. `m2#3`). */
  instance: 'TRIBUTARY_VERIFY_INSTANCE',
  /** bootstrap.servers of the run's embedded broker (TributaryApp's `brokers` is replaced by it). */
  brokers: 'TRIBUTARY_VERIFY_BROKERS',
  /** When set: write the app's group description (JSON) to this file and exit, without connecting. */
  probe: 'TRIBUTARY_VERIFY_PROBE',
  /** `<every>:<ms>`: the recorder holds every `every`-th offset (offset % every = every - 1) `ms` first. */
  slow: 'TRIBUTARY_VERIFY_SLOW',
} as const;

let fd: number | null | undefined;

function logFd(): number | null {
  if (fd === undefined) {
    const file = process.env[VERIFY_ENV.log];
    fd = file ? openSync(file, 'a') : null;
  }
  return fd;
}

/** Appends one line with this process's name, pid and the wall-clock time (no-op outside a run). */
export function recordLine(record: object): void {
  const out = logFd();
  if (out === null) return;
  const line = {
    ...record,
    i: process.env[VERIFY_ENV.instance] ?? String(process.pid),
    pid: process.pid,
    ts: Date.now(),
  };
  writeSync(out, `${JSON.stringify(line)}\n`);
}

/** Where a message lives: what an effect line names as the message it ran for. */
export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The message the kit's recorder middleware is running (preload.ts sets it around the app's chain),
 * so `recordEffect` can name the message an effect belongs to without the app passing it.
 */
export const handling = new AsyncLocalStorage<RecordCoordinates>();

/**
 * Records that a side effect ran for business id `id` (an email sent, a row written): the kit counts
 * ids recorded more than once as "effect duplicates". Call it right after the effect, behind your
 * idempotency check; an idempotent app then shows effect duplicates 0 while raw redeliveries happen.
 * The line names the message it ran for (`at`): inside a TributaryApp the kit knows it; other apps
 * pass `message`. That is how the kit tells an effect repeated because its process was killed
 * between the effect and recording completion (the window no idempotency store closes) from one
 * repeated for no such reason.
 */
export function recordEffect(id: string, message: RecordCoordinates | undefined = handling.getStore()): void {
  recordLine(
    message ? { effect: id, at: coordinates(message.topic, message.partition, message.offset) } : { effect: id },
  );
}

export type HandledOutcome = 'done' | 'skipped' | 'dead-lettered' | 'skipped-bad';

/** Records a message that reached its final outcome (for apps that are not TributaryApp ones). */
export function recordHandled(m: {
  topic: string;
  partition: number;
  offset: number;
  key?: string | Buffer | null;
  outcome?: HandledOutcome;
}): void {
  const key = m.key === undefined || m.key === null ? null : m.key.toString();
  recordLine({ t: m.topic, p: m.partition, o: m.offset, k: key, out: m.outcome ?? 'done' });
}

/**
 * Records an assignment change. `eager`: the partitions are the member's whole assignment (eager
 * protocol), not an increment (cooperative).
 */
export function recordAssignment(
  kind: 'assigned' | 'revoked' | 'lost',
  partitions: { topic: string; partition: number }[],
  options: { eager?: boolean } = {},
): void {
  recordLine({
    ev: kind,
    tps: partitions.map((tp) => `${tp.topic}/${tp.partition}`),
    ...(options.eager && kind === 'assigned' ? { eager: true } : {}),
  });
}
