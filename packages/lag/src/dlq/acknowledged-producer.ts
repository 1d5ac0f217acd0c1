import { type LibrdKafkaError, type MessageHeader, Producer } from '@confluentinc/kafka-javascript';
import { KafkaIoError } from './kafka-io-error.js';

export interface OutgoingRecord {
  topic: string;
  /** Undefined: the partitioner picks (by key). */
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer]>;
}

/** Where the broker put an acknowledged record. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: number;
}

interface Pending {
  resolve: (delivery: Delivery) => void;
  reject: (err: Error) => void;
}

const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL

/**
 * A producer whose `send` resolves when the broker acknowledged the record (its delivery report),
 * and rejects with the broker's reason; idempotent, so retries inside librdkafka never duplicate.
 */
export class AcknowledgedProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(brokers: string, timeoutMs: number): Promise<AcknowledgedProducer> {
    const producer = new Producer({
      'bootstrap.servers': brokers,
      dr_cb: true,
      'enable.idempotence': true,
      'linger.ms': 5,
      // A record for an unknown topic or an unreachable leader fails after this, not librdkafka's 5 minutes.
      'message.timeout.ms': Math.max(timeoutMs, 1_000),
      'socket.timeout.ms': timeoutMs,
      log_level: 0,
    } as never);
    await new Promise<void>((resolve, reject) =>
      producer.connect({ timeout: timeoutMs }, (err) =>
        err ? reject(new KafkaIoError(`cannot reach brokers ${brokers}: ${err.message}`, 'unreachable')) : resolve(),
      ),
    );
    producer.setPollInterval(10);
    producer.on('delivery-report', (err: LibrdKafkaError | null, report) => {
      const pending = report.opaque as Pending;
      if (err) pending.reject(new KafkaIoError(`delivery to ${report.topic} failed: ${err.message}`, 'delivery'));
      else pending.resolve({ topic: report.topic, partition: report.partition, offset: report.offset });
    });
    return new AcknowledgedProducer(producer);
  }

  async send(record: OutgoingRecord): Promise<Delivery> {
    const headers: MessageHeader[] = record.headers.map(([key, value]) => ({ [key]: value }));
    for (;;) {
      const { promise, resolve, reject } = withResolvers<Delivery>();
      try {
        this.producer.produce(
          record.topic,
          record.partition ?? null,
          record.value,
          record.key,
          Date.now(),
          { resolve, reject } satisfies Pending,
          headers,
        );
        return await promise;
      } catch (err) {
        if ((err as { code?: number }).code !== QUEUE_FULL) {
          if (err instanceof KafkaIoError) throw err;
          throw new KafkaIoError(`cannot produce to ${record.topic}: ${(err as Error).message}`, 'delivery');
        }
        await new Promise((r) => setTimeout(r, 10)); // delivery reports drain the queue
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.producer.disconnect(() => resolve()));
  }
}

function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
