import { type LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import { context, propagation } from '@opentelemetry/api';
import { produceWhenRoom, redactConfig, TributaryError } from '@tributary/core';
import type { Logger } from 'pino';

export interface ProducerRecord {
  topic: string;
  key?: string | Buffer | null;
  /** Bytes or text as they are; objects go through `sendJson`. */
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  timestamp?: number;
}

export interface TributaryProducerConfig {
  brokers: string;
  clientId?: string;
  /** How long a message may wait for its acknowledgement before it fails. Default 30 s. */
  messageTimeoutMs?: number;
  /** librdkafka producer properties, passed through. */
  rdkafka?: Record<string, string | number | boolean>;
  logger?: Logger;
}

/** A produce that was not acknowledged by the broker. */
export class ProduceError extends TributaryError {
  override readonly name = 'ProduceError';
  constructor(
    readonly topic: string,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`produce to ${topic} failed: ${message}`);
  }
}

/**
 * An idempotent producer whose `send` resolves when the broker acknowledged that very message
 * (its delivery report), with W3C trace context injected into the headers. Used by handlers to
 * emit events and by the dead-letter middleware. `disconnect()` flushes first.
 */
export class TributaryProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void; topic: string }>();
  private nextId = 1;

  constructor(private readonly config: TributaryProducerConfig) {
    const settings = {
      'bootstrap.servers': config.brokers,
      'client.id': config.clientId ?? 'tributary-producer',
      'enable.idempotence': true,
      'linger.ms': 5,
      'message.timeout.ms': config.messageTimeoutMs ?? 30_000,
      dr_cb: true,
      log_level: 3,
      ...config.rdkafka,
    };
    config.logger?.debug({ config: redactConfig(settings) }, 'producer configured');
    this.producer = new Producer(settings as never);
    this.producer.on('delivery-report', (err: LibrdKafkaError | null, report: { opaque?: unknown }) => {
      const waiter = this.pending.get(report.opaque as number);
      if (!waiter) return;
      this.pending.delete(report.opaque as number);
      if (err) waiter.reject(new ProduceError(waiter.topic, err.code, err.message));
      else waiter.resolve();
    });
  }

  connect(): Promise<void> {
    this.connected ??= new Promise<void>((resolve, reject) =>
      this.producer.connect({}, (err) => {
        if (err) return reject(new Error(`producer cannot connect: ${err.message}`));
        this.producer.setPollInterval(5);
        resolve();
      }),
    );
    return this.connected;
  }

  /** Produces one message; resolves once the broker acknowledged it, rejects with `ProduceError`. */
  async send(record: ProducerRecord): Promise<void> {
    await this.connect();
    const headers: Record<string, string | Buffer> = { ...record.headers };
    propagation.inject(context.active(), headers);
    const value =
      record.value === null ? null : Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
    const id = this.nextId++;
    const acknowledged = new Promise<void>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, topic: record.topic }),
    );
    try {
      await produceWhenRoom(() =>
        this.producer.produce(
          record.topic,
          record.partition ?? null,
          value,
          record.key ?? null,
          record.timestamp ?? Date.now(),
          id,
          Object.entries(headers).map(([name, v]) => ({ [name]: v })),
        ),
      );
    } catch (err) {
      this.pending.delete(id);
      throw new ProduceError(record.topic, (err as { code?: number }).code, (err as Error).message);
    }
    return acknowledged;
  }

  /** `send` with a JSON-encoded value. */
  sendJson(topic: string, value: unknown, options: Omit<ProducerRecord, 'topic' | 'value'> = {}): Promise<void> {
    return this.send({
      ...options,
      topic,
      value: JSON.stringify(value),
      headers: { 'content-type': 'application/json', ...options.headers },
    });
  }

  flush(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.producer.flush(timeoutMs, (err) => (err ? reject(new Error(`flush failed: ${err.message}`)) : resolve())),
    );
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    await this.flush().catch(() => undefined);
    await new Promise<void>((resolve) => this.producer.disconnect(() => resolve()));
    for (const waiter of this.pending.values())
      waiter.reject(new ProduceError(waiter.topic, undefined, 'producer disconnected'));
    this.pending.clear();
    this.connected = undefined;
  }
}
