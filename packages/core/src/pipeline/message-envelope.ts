import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import { decodeValue } from '../decode.js';
import type { Headers, Message } from '../message.js';
import type { HandlerDefinition } from '../model/definitions.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';

/**
 * A message on its way through the pipeline. The value is decoded lazily, once, on first access
 * (a message discarded on revoke is never decoded; a decode failure throws from `value`, inside
 * the handler's error path, never in the poll loop).
 */
export class PipelineMessage implements Message {
  private decoded?: { value: unknown } | { error: unknown };
  private headerMap?: Headers;
  /** When its batch was admitted (ms since epoch): the age of a waiting lane. */
  admittedAt = 0;
  /** When its handler first failed, and how often: a key lane stuck on it. */
  failingSince?: number;
  failures = 0;

  constructor(
    readonly raw: RawMessage,
    readonly handler: HandlerDefinition,
    /** Its partition as owned when it arrived (a later assignment of the same partition is another). */
    readonly owner: OwnedPartition,
  ) {}

  get topic() {
    return this.raw.topic;
  }
  get partitionDoneAt(): number {
    return this.owner.doneAt;
  }
  get partition() {
    return this.raw.partition;
  }
  get offset() {
    return this.raw.offset;
  }
  get timestamp() {
    return this.raw.timestamp ?? 0;
  }
  get size() {
    return this.raw.size;
  }
  get rawValue(): Buffer | null {
    return this.raw.value ?? null;
  }
  get rawKey(): Buffer | null {
    const key = this.raw.key;
    if (key === undefined || key === null) return null;
    return typeof key === 'string' ? Buffer.from(key) : key;
  }
  get key(): string | null {
    const key = this.raw.key;
    if (key === undefined || key === null) return null;
    return typeof key === 'string' ? key : key.toString('utf8');
  }
  get headers(): Headers {
    if (!this.headerMap) {
      this.headerMap = {};
      for (const header of this.raw.headers ?? []) {
        for (const [name, value] of Object.entries(header)) {
          this.headerMap[name] = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
        }
      }
    }
    return this.headerMap;
  }
  get value(): unknown {
    if (!this.decoded) {
      try {
        this.decoded = { value: decodeValue(this.handler.decoder, this.handler.schema, this.rawValue, this.raw) };
      } catch (error) {
        this.decoded = { error };
      }
    }
    if ('error' in this.decoded) throw this.decoded.error;
    return this.decoded.value;
  }
}
