import type { Logger } from 'pino';
import { RepeatLimitedLog, similarityKey } from './repeat-limited-log.js';

/** A client error (or librdkafka error log line) is written at most once per this interval, with a repeat count. */
export const CLIENT_ERROR_LOG_INTERVAL_MS = 10_000;

interface LogEntry {
  level: 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/**
 * Where a member's client errors go. While it connects they are only counted: the connect's
 * progress lines and its rejection name the last one. Otherwise each distinct error is written
 * at most once per `CLIENT_ERROR_LOG_INTERVAL_MS`, with how often it recurred (see RepeatLimitedLog).
 */
export class ClientErrorLog {
  /** Set while connecting; stays set when the connect fails (the teardown's errors are not news). */
  connecting = false;
  counted = 0;
  private readonly lines: RepeatLimitedLog<LogEntry>;

  constructor(logger: Logger) {
    this.lines = new RepeatLimitedLog<LogEntry>(CLIENT_ERROR_LOG_INTERVAL_MS, (entry, repeats) =>
      logger[entry.level](
        repeats > 0 ? { ...entry.fields, repeats, intervalMs: CLIENT_ERROR_LOG_INTERVAL_MS } : entry.fields,
        repeats > 0
          ? `${entry.message} (${repeats} more like it in the last ${CLIENT_ERROR_LOG_INTERVAL_MS / 1000} s)`
          : entry.message,
      ),
    );
  }

  /** An `event.error` of the binding. */
  error(error: Error): void {
    if (this.connecting) this.counted += 1;
    else {
      const key = similarityKey((error as { code?: unknown }).code, error.message);
      this.lines.record(key, { level: 'warn', fields: { err: error }, message: 'kafka client error' });
    }
  }

  /** A librdkafka log line of severity error or worse. */
  logLine(fac: string, message: string): void {
    if (this.connecting) this.counted += 1;
    else this.lines.record(similarityKey(fac, message), { level: 'error', fields: { fac }, message });
  }

  /** Writes the repeats still counted (at stop). */
  flush(): void {
    this.lines.flush();
  }
}
