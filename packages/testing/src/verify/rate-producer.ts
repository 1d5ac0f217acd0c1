import { Producer } from '@confluentinc/kafka-javascript';

/** What a scenario expects of a produced record. */
export type RecordKind =
  /** A valid event: must be processed (its side effect exactly once). */
  | 'valid'
  /** Not JSON at all (or not UTF-8): must end in the DLQ. */
  | 'malformed'
  /** JSON that fails the schema: must end in the DLQ. */
  | 'invalid'
  /** Valid, but the handler always throws: must end in the DLQ after its retries. */
  | 'poison';

export interface ProducedRecord {
  n: number;
  id: string;
  kind: RecordKind;
  topic: string;
  partition: number;
  offset: number;
  /** When the broker acknowledged it (ms since epoch). */
  ackedAt: number;
}

export interface OutgoingRecord {
  kind: RecordKind;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>[];
}

const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL

/** The default event: `{ id: "e<n>", n }` (with `poison: true` for a poison one), key `k<n mod 500>`. */
export function eventRecord(n: number, kind: RecordKind = 'valid'): OutgoingRecord {
  const id = `e${n}`;
  const key = `k${n % 500}`;
  switch (kind) {
    case 'valid':
      return { kind, key, value: JSON.stringify({ id, n }) };
    case 'poison':
      return { kind, key, value: JSON.stringify({ id, n, poison: true }) };
    case 'invalid':
      return { kind, key, value: JSON.stringify({ id, n: `not-a-number-${n}` }) };
    case 'malformed':
      return { kind, key, value: `{"id":"${id}","n":${n}` };
  }
}

/**
 * One long-lived idempotent producer (its own connection, like a producer service) that writes
 * numbered events at a steady rate and records where each one landed (partition, offset) from its
 * delivery report — the ground truth the analysis compares the consumers' logs with.
 */
export class RateProducer {
  readonly records = new Map<number, ProducedRecord>();
  readonly failed: { n: number; error: string }[] = [];
  private readonly producer: Producer;
  private next = 0;
  private pending = 0;
  private readonly idle: (() => void)[] = [];
  private readonly sent = new Map<number, { kind: RecordKind; topic: string }>();

  private constructor(bootstrapServers: string, rdkafka: Record<string, string | number | boolean>) {
    this.producer = new Producer({
      'bootstrap.servers': bootstrapServers,
      dr_cb: true,
      'enable.idempotence': true,
      'linger.ms': 5,
      // Broker faults must delay, never fail, a delivery.
      'message.timeout.ms': 120_000,
      log_level: 2,
      ...rdkafka,
    } as never);
  }

  static async connect(
    bootstrapServers: string,
    rdkafka: Record<string, string | number | boolean> = {},
  ): Promise<RateProducer> {
    const p = new RateProducer(bootstrapServers, rdkafka);
    await new Promise<void>((resolve, reject) =>
      p.producer.connect({}, (err) => (err ? reject(new Error(`producer connect: ${err.message}`)) : resolve())),
    );
    p.producer.setPollInterval(10);
    p.producer.on('delivery-report', (err, report) => {
      const n = report.opaque as number;
      const sent = p.sent.get(n);
      p.sent.delete(n);
      if (err || !sent) p.failed.push({ n, error: err?.message ?? 'unknown record' });
      else
        p.records.set(n, {
          n,
          id: `e${n}`,
          kind: sent.kind,
          topic: sent.topic,
          partition: report.partition,
          offset: report.offset,
          ackedAt: Date.now(),
        });
      p.pending -= 1;
      if (p.pending === 0) for (const resolve of p.idle.splice(0)) resolve();
    });
    return p;
  }

  get produced(): number {
    return this.records.size;
  }

  /**
   * Produces records at about `perSecond` (in 20 ms ticks) until `count` were written or `until()`
   * says stop, and resolves once every one of them was acknowledged (or failed, see `failed`).
   * `build(n)` makes record number `n`, numbered across calls.
   */
  async produce(
    topic: string,
    perSecond: number,
    limit: { count?: number; until?: () => boolean },
    build: (n: number) => OutgoingRecord = (n) => eventRecord(n),
  ): Promise<number> {
    const count = limit.count ?? Number.POSITIVE_INFINITY;
    const started = Date.now();
    let written = 0;
    while (written < count && !limit.until?.()) {
      const due = Math.min(count, Math.ceil(((Date.now() - started + 20) / 1000) * perSecond));
      while (written < due) {
        const n = this.next;
        const record = build(n);
        try {
          this.producer.produce(
            topic,
            null,
            record.value === null ? null : Buffer.from(record.value),
            record.key,
            Date.now(),
            n,
            record.headers,
          );
        } catch (err) {
          if ((err as { code?: number }).code !== QUEUE_FULL) throw err;
          break; // the local queue is full (broker down or slow): try again next tick
        }
        this.next += 1;
        this.sent.set(n, { kind: record.kind, topic });
        this.pending += 1;
        written += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.drained();
    return written;
  }

  /** Resolves when every record handed to librdkafka has its delivery report. */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async disconnect(): Promise<void> {
    await new Promise<void>((resolve) => this.producer.disconnect(5_000, () => resolve()));
  }
}
