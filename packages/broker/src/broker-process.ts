/**
 * Entry point of a broker run as its own process (see `startBrokerProcess`). The parent sends
 * `{ id, method, args }` over the IPC channel; we call the same method on the in-process broker
 * and answer `{ id, result }` or `{ id, error }`. The broker dies with its parent's IPC channel.
 */
import type { EmbeddedBroker } from './broker.js';
import { startBroker } from './in-process-broker.js';
import type { BrokerOptions } from './options.js';

type Request = { id: number; method: keyof EmbeddedBroker; args: unknown[] };

async function main() {
  const send = (message: unknown) => process.send?.(message);
  const options = JSON.parse(process.argv[2] ?? '{}') as BrokerOptions;
  let broker: EmbeddedBroker;
  try {
    broker = await startBroker(options);
  } catch (err) {
    send({ type: 'failed', error: (err as Error).message });
    process.exit(2);
  }
  const shutdown = async () => {
    await broker.stop();
    process.exit(0);
  };
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('message', async (request: Request) => {
    try {
      const method = broker[request.method] as (...args: unknown[]) => Promise<unknown>;
      if (typeof method !== 'function') throw new Error(`unknown broker method ${String(request.method)}`);
      const result = await method(...request.args);
      send({ id: request.id, result });
      if (request.method === 'stop') process.exit(0);
    } catch (err) {
      send({ id: request.id, error: (err as Error).message });
    }
  });
  send({ type: 'ready', bootstrapServers: broker.bootstrapServers, brokerCount: broker.brokerCount });
}

void main();
