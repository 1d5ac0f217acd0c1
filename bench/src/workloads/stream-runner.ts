import type { ConsumerSpec } from '../contenders/types.js';
import { progress } from '../progress.js';
import { forkWorker, type WorkerHandle } from '../worker/fork-worker.js';
import type { WorkloadContext } from './types.js';

/**
 * Starts a stream worker (one group member recording every message) and waits for its first
 * assignment (which may be empty: a cooperative rebalance's first round), or its first message.
 */
export async function startMember(
  ctx: WorkloadContext,
  spec: Omit<ConsumerSpec, 'bootstrap'>,
  assignTimeoutMs: number,
  until: 'assigned' | 'first-message' = 'assigned',
): Promise<WorkerHandle> {
  const worker = forkWorker(
    { kind: 'stream', spec: { ...spec, bootstrap: ctx.broker.bootstrapServers }, timeoutMs: 120_000 },
    { execArgv: ctx.workerExecArgv, timeoutMs: 180_000 },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      until === 'assigned' ? worker.assigned : worker.firstMessage,
      worker.done.then(() => {
        throw new Error('worker finished before it was assigned');
      }),
      new Promise((_, reject) => {
        const what = until === 'assigned' ? 'assignment' : 'message';
        timer = setTimeout(() => reject(new Error(`no ${what} within ${assignTimeoutMs / 1000} s`)), assignTimeoutMs);
      }),
    ]);
  } catch (err) {
    worker.kill();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return worker;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `runOnce` for repetitions 1…reps, reporting each with `describe`; stops at the first failure
 * (its first line becomes the row's error: a broken contender is reported, not retried).
 */
export async function repeatRuns<M>(
  reps: number,
  label: string,
  runOnce: (rep: number) => Promise<M>,
  describe: (measured: M) => string,
): Promise<{ runs: M[]; error?: string }> {
  const runs: M[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    try {
      const measured = await runOnce(rep);
      runs.push(measured);
      progress(`${label} rep${rep}: ${describe(measured)}`);
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      progress(`${label}: FAILED: ${error}`);
      return { runs, error };
    }
  }
  return { runs };
}
