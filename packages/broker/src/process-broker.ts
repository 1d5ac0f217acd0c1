import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { EmbeddedBroker } from './broker.js';
import { BrokerOperationError } from './errors.js';
import { type BrokerOptions, resolveBrokerOptions } from './options.js';

/** An embedded broker living in its own process, so tests can SIGKILL consumers around it. */
export interface BrokerProcess extends EmbeddedBroker {
  readonly pid: number;
  /** Kills the broker process outright (SIGKILL), as a crashed broker host would die. */
  kill(): void;
}

type Reply = {
  id?: number;
  type?: string;
  result?: unknown;
  error?: string;
  bootstrapServers?: string;
  brokerCount?: number;
};

export async function startBrokerProcess(options: BrokerOptions = {}, startTimeoutMs = 15_000): Promise<BrokerProcess> {
  resolveBrokerOptions(options); // fail fast in the caller's process, with the caller's stack
  const child = fork(join(__dirname, 'broker-process.js'), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await waitForReady(child, startTimeoutMs);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();
  let nextId = 1;
  child.on('message', (reply: Reply) => {
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`broker process exited during ${waiter.method}`));
    pending.clear();
  });
  const call = (method: keyof EmbeddedBroker, ...args: unknown[]) =>
    new Promise<void>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`broker process is not running (${method})`));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: () => resolve(), reject, method });
      child.send({ id, method, args });
    });

  return {
    pid: child.pid as number,
    bootstrapServers: ready.bootstrapServers as string,
    brokerCount: ready.brokerCount as number,
    createTopic: (topic) => call('createTopic', topic),
    deleteTopic: (name) => call('deleteTopic', name),
    setBrokerDown: (id) => call('setBrokerDown', id),
    setBrokerUp: (id) => call('setBrokerUp', id),
    setRtt: (id, ms) => call('setRtt', id, ms),
    injectErrors: (apiKey, codes) => call('injectErrors', apiKey, codes),
    clearErrors: (apiKey) => call('clearErrors', apiKey),
    setCoordinator: (groupId, id) => call('setCoordinator', groupId, id),
    setPartitionLeader: (topic, partition, id) => call('setPartitionLeader', topic, partition, id),
    kill: () => child.kill('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      call('stop').catch(() => child.kill('SIGKILL'));
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BrokerOperationError(`broker process did not start within ${timeoutMs} ms`, -1));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`broker process exited with code ${code} before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', function onMessage(message: Reply) {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      if (message.type === 'failed') reject(new Error(message.error));
      else resolve(message);
    });
  });
}
