/** What `deadLetter()` (or a handler) hands to a producer: the shape of `TributaryProducer.send`. */
export interface ProducedRecord {
  topic: string;
  key?: string | Buffer | null;
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  timestamp?: number;
}

/**
 * A stand-in for `TributaryProducer` that keeps what it was given instead of sending it: pass it to
 * `deadLetter({ producer })`, or register it where handlers inject the producer. `send` resolves at
 * once, as if the broker acknowledged; `failNext()` makes the next send reject, as an unreachable
 * broker would (the DLQ then leaves the message uncommitted).
 */
export class CapturingProducer {
  readonly records: ProducedRecord[] = [];
  private readonly failures: Error[] = [];

  failNext(error: Error = new Error('broker unavailable (CapturingProducer.failNext)')): this {
    this.failures.push(error);
    return this;
  }

  async send(record: ProducedRecord): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.records.push({ ...record, headers: { ...record.headers } });
  }

  /** `send` with a JSON value, as `TributaryProducer.sendJson` does it. */
  sendJson(topic: string, value: unknown, options: Omit<ProducedRecord, 'topic' | 'value'> = {}): Promise<void> {
    return this.send({
      ...options,
      topic,
      value: JSON.stringify(value),
      headers: { 'content-type': 'application/json', ...options.headers },
    });
  }
}
