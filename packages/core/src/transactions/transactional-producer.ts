import { type KafkaConsumer, type LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import { produceWhenRoom } from '../connection/produce-when-room.js';
import { TributaryError } from '../errors.js';
import type { CommitOffset } from '../model/topic-partition.js';

/** A record a transactional handler sends with `ctx.send`. */
export interface OutputRecord {
  topic: string;
  key?: string | Buffer | null;
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

/** A transaction step that failed; `fatal`: the producer is fenced or broken and must be replaced. */
export class TransactionError extends TributaryError {
  override readonly name = 'TransactionError';
  constructor(
    readonly step: string,
    readonly code: number | undefined,
    readonly fatal: boolean,
    message: string,
  ) {
    super(`transaction ${step} failed: ${message}`);
  }
}

const STEP_TIMEOUT_MS = 30_000;

/** What the transaction runner needs from a transactional producer (a fake in unit tests). */
export interface TransactionPort {
  connect(): Promise<void>;
  begin(): Promise<void>;
  produce(record: OutputRecord): Promise<void>;
  sendOffsets(offsets: CommitOffset[], consumer: KafkaConsumer): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * One transactional producer (one per group member, KIP-447). Every transaction call is a
 * binding worker on libuv's pool: the JS thread never waits on the network.
 */
export class TransactionalProducer implements TransactionPort {
  private readonly producer: Producer;

  constructor(settings: Record<string, string | number | boolean>) {
    this.producer = new Producer(settings as never);
  }

  async connect(): Promise<void> {
    await this.step('connect', (cb) => this.producer.connect({}, (err) => cb(err as LibrdKafkaError | null)));
    this.producer.setPollInterval(50);
    await this.step('initTransactions', (cb) => this.producer.initTransactions(STEP_TIMEOUT_MS, cb));
  }

  begin(): Promise<void> {
    return this.step('beginTransaction', (cb) => this.producer.beginTransaction(cb));
  }

  /** Enqueues a record in the open transaction (non-blocking); a full local queue waits for room. */
  async produce(record: OutputRecord): Promise<void> {
    const value =
      record.value === null ? null : Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
    const headers = Object.entries(record.headers ?? {}).map(([name, v]) => ({ [name]: v }));
    try {
      await produceWhenRoom(() =>
        this.producer.produce(
          record.topic,
          record.partition ?? null,
          value,
          record.key ?? null,
          Date.now(),
          undefined,
          headers,
        ),
      );
    } catch (err) {
      throw new TransactionError('produce', (err as { code?: number }).code, false, (err as Error).message);
    }
  }

  /** The consumed offsets, committed with the transaction under the consumer's group metadata. */
  sendOffsets(offsets: CommitOffset[], consumer: KafkaConsumer): Promise<void> {
    return this.step('sendOffsetsToTransaction', (cb) =>
      this.producer.sendOffsetsToTransaction(offsets, consumer, STEP_TIMEOUT_MS, cb),
    );
  }

  commit(): Promise<void> {
    return this.step('commitTransaction', (cb) => this.producer.commitTransaction(STEP_TIMEOUT_MS, cb));
  }

  abort(): Promise<void> {
    return this.step('abortTransaction', (cb) => this.producer.abortTransaction(STEP_TIMEOUT_MS, cb));
  }

  disconnect(): Promise<void> {
    return new Promise((resolve) => this.producer.disconnect(() => resolve()));
  }

  private step(name: string, run: (cb: (err: LibrdKafkaError | null | undefined) => void) => void): Promise<void> {
    return new Promise((resolve, reject) =>
      run((err) => {
        if (!err) return resolve();
        const e = err as LibrdKafkaError & { isFatal?: boolean; isTxnRequiresAbort?: boolean };
        reject(new TransactionError(name, e.code, e.isFatal === true, e.message));
      }),
    );
  }
}
