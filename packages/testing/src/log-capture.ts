import pino, { type Level, type Logger } from 'pino';

/** One line a logger wrote, parsed: pino's JSON with the level as its name. */
export interface LogLine {
  level: Level;
  msg?: string;
  [field: string]: unknown;
}

/**
 * A pino logger that keeps its lines in memory (`lines`), for asserting on what a handler or a
 * middleware logged. pino writes to a plain object stream synchronously, so a line is in `lines`
 * as soon as the logging call returned.
 */
export function captureLogs(level: Level = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level, base: undefined, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}
