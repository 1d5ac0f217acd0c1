/**
 * A DLQ read, replay or produce that could not do what was asked: `unreachable` brokers, an
 * `input` the caller must change (a bad filter, a missing target topic), a failed `delivery` or
 * `read`. The CLI prints it as one line (exit 2 for unreachable and input, else 1); the dashboard
 * answers it as JSON.
 */
export class KafkaIoError extends Error {
  override readonly name = 'KafkaIoError';
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'input' | 'delivery' | 'read',
  ) {
    super(message);
  }
}
