/** Raised for invalid broker options (bad topic spec, broker count) — callers map it to exit code 2. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

/** Raised when the librdkafka shared library (built by `npm ci`) cannot be loaded. */
export class BrokerNativeError extends Error {
  override readonly name = 'BrokerNativeError';
}

/** Raised when a mock-cluster call returns a Kafka error code. */
export class BrokerOperationError extends Error {
  override readonly name = 'BrokerOperationError';
  constructor(
    readonly operation: string,
    readonly code: number,
  ) {
    super(`${operation} failed with Kafka error code ${code}`);
  }
}
