/**
 * A benchmark worker: one contender consuming in its own process, so memory figures and CPU time
 * are its own and no client's leftovers (timers, JIT state, sockets) slow down the next one.
 * Driven over IPC by `forkWorker`.
 */
import type { ParentMessage, WorkerMessage } from './jobs.js';
import { runStreamJob } from './stream-job.js';
import { runThroughputJob } from './throughput-job.js';

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

let finishRequested!: (finish: { expected?: number; waitMs: number }) => void;
const finish = new Promise<{ expected?: number; waitMs: number }>((resolve) => {
  finishRequested = resolve;
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'finish') finishRequested({ expected: message.expected, waitMs: message.waitMs });
  else if (message.type === 'job') void run(message);
});

async function run({ job }: Extract<ParentMessage, { type: 'job' }>): Promise<void> {
  try {
    if (job.kind === 'throughput') {
      const results = await runThroughputJob(job, (result) => void send({ type: 'rep', result }));
      await send({ type: 'done', results });
    } else {
      const stream = await runStreamJob(
        job,
        () => void send({ type: 'assigned' }),
        () => void send({ type: 'first-message' }),
        finish,
      );
      await send({ type: 'done', stream });
    }
  } catch (err) {
    await send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  process.exit(0); // clients may leave timers or sockets behind; the job is over
}
