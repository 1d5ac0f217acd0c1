import { Producer } from '@confluentinc/kafka-javascript';
import { encodeValue, keyOf, nowMs, partitionOf } from '../payload.js';

export interface SteadyStream {
  /** Messages handed to the producer so far. */
  readonly sent: number;
  /** Stops producing and resolves once everything sent was delivered (flushed). */
  stop(): Promise<number>;
}

/**
 * Produces at a steady `rate` (messages/s), every 2 ms as many as the elapsed time calls for, each
 * value carrying its produce time. `linger.ms` 1: the latency measured is the pipeline's, not the
 * producer's batching wait (librdkafka's default is 5 ms).
 */
export async function startSteadyStream(
  bootstrap: string,
  topic: string,
  rate: number,
  shape: { keys: number; partitions: number; valueBytes: number },
): Promise<SteadyStream> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 1, log_level: 3 } as never);
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(50);
  const startedAt = nowMs();
  let sent = 0;
  const tick = () => {
    const due = Math.floor(((nowMs() - startedAt) * rate) / 1000);
    for (; sent < due; sent++) {
      try {
        producer.produce(
          topic,
          partitionOf(sent, shape.keys, shape.partitions),
          encodeValue(sent, shape.valueBytes),
          keyOf(sent, shape.keys),
          Date.now(),
        );
      } catch {
        break; // local queue full: try again next tick
      }
    }
  };
  const timer = setInterval(tick, 2);
  return {
    get sent() {
      return sent;
    },
    async stop() {
      clearInterval(timer);
      await new Promise<void>((resolve, reject) => producer.flush(10_000, (err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
      return sent;
    },
  };
}
