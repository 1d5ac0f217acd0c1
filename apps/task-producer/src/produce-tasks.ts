import { appendFileSync } from 'node:fs';
import { Producer } from '@confluentinc/kafka-javascript';
import { seededRandom, TaskEventSource } from './task-events.js';

export interface ProduceTasksOptions {
  brokers: string;
  /** Events per second (0 = as fast as possible). */
  rate: number;
  count?: number;
  durationMs?: number;
  poisonShare?: number;
  seed?: number;
  /** Appends one JSON line per acknowledged event: { eventId?, topic, key, poison }. */
  manifest?: string;
  onProgress?: (progress: ProduceProgress) => void;
  signal?: AbortSignal;
}

export interface ProduceProgress {
  produced: number;
  acknowledged: number;
  poison: number;
  elapsedMs: number;
}

const QUEUE_FULL = -184;

/**
 * Produces task events at a steady rate until `count` or `durationMs`, and resolves once every
 * one of them is acknowledged by the broker (delivery reports), with the totals.
 */
export async function produceTasks(options: ProduceTasksOptions): Promise<ProduceProgress> {
  const source = new TaskEventSource(seededRandom(options.seed ?? Date.now()), options.poisonShare ?? 0);
  const producer = new Producer({
    'bootstrap.servers': options.brokers,
    'client.id': 'task-producer',
    'enable.idempotence': true,
    'linger.ms': 5,
    dr_cb: true,
    log_level: 3,
  } as never);
  await new Promise<void>((resolve, reject) =>
    producer.connect({}, (err) =>
      err ? reject(new Error(`cannot connect to ${options.brokers}: ${err.message}`)) : resolve(),
    ),
  );
  producer.setPollInterval(10);
  const progress: ProduceProgress = { produced: 0, acknowledged: 0, poison: 0, elapsedMs: 0 };
  let failure: Error | undefined;
  producer.on('delivery-report', (err, report) => {
    if (err) failure ??= new Error(`delivery failed: ${err.message}`);
    else {
      progress.acknowledged++;
      if (options.manifest) appendFileSync(options.manifest, `${JSON.stringify(report.opaque)}\n`);
    }
  });
  const started = Date.now();
  const done = () =>
    options.signal?.aborted ||
    (options.count !== undefined && progress.produced >= options.count) ||
    (options.durationMs !== undefined && Date.now() - started >= options.durationMs);
  const ticker = setInterval(() => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started }), 1000);
  try {
    while (!done()) {
      if (failure) throw failure;
      // Pace: produce what the rate allows up to now, then sleep a tick.
      const due =
        options.rate > 0 ? Math.floor(((Date.now() - started) / 1000) * options.rate) + 1 : progress.produced + 1000;
      while (progress.produced < due && !done()) {
        const event = source.next();
        const meta = { eventId: event.eventId, topic: event.topic, key: event.key, poison: event.poison };
        try {
          producer.produce(event.topic, null, Buffer.from(event.value), event.key, Date.now(), meta);
        } catch (err) {
          if ((err as { code?: number }).code !== QUEUE_FULL) throw err;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        progress.produced++;
        if (event.poison) progress.poison++;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise<void>((resolve, reject) => producer.flush(30_000, (err) => (err ? reject(err) : resolve())));
    const deadline = Date.now() + 30_000;
    while (progress.acknowledged < progress.produced && !failure && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    if (failure) throw failure;
    return { ...progress, elapsedMs: Date.now() - started };
  } finally {
    clearInterval(ticker);
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
}
