import type { Logger } from 'pino';

/** A connect taking longer than this is reported as still trying, and then every `PROGRESS_EVERY_MS`. */
export const FIRST_PROGRESS_MS = 5_000;
export const PROGRESS_EVERY_MS = 10_000;

export interface Connectable {
  connect(): Promise<void>;
  /** librdkafka's last error message, if any. */
  readonly lastError: string | undefined;
}

/**
 * Connects, saying so while it takes long: one line after `FIRST_PROGRESS_MS`, then one per
 * `PROGRESS_EVERY_MS`, each with the brokers, the time so far and librdkafka's last error
 * (`clientErrors()` counts what it reported meanwhile, which the caller does not log one by one).
 */
export async function connectWithProgress(
  connection: Connectable,
  brokers: string,
  logger: Logger,
  clientErrors: () => number,
): Promise<void> {
  const started = performance.now();
  const report = () =>
    logger.warn(
      {
        brokers,
        waitedMs: Math.round(performance.now() - started),
        clientErrors: clientErrors(),
        lastError: connection.lastError,
      },
      `still connecting to Kafka at ${brokers} (${Math.round((performance.now() - started) / 1000)} s so far` +
        `${connection.lastError ? `; last client error: ${connection.lastError}` : ''})`,
    );
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    report();
    interval = setInterval(report, PROGRESS_EVERY_MS);
  }, FIRST_PROGRESS_MS);
  try {
    await connection.connect();
  } finally {
    clearTimeout(first);
    clearInterval(interval);
  }
}
