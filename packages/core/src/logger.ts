import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { TributaryConfigError } from './errors.js';
import { type LogPayloads, logSerializers } from './log-serializers.js';

/** Config keys whose values must never reach a log line (SASL passwords, SSL keys, tokens). */
export const SECRET_CONFIG_KEYS = [
  'sasl.password',
  'sasl.username',
  'sasl.oauthbearer.client.secret',
  'sasl.oauthbearer.config',
  'ssl.key.password',
  'ssl.key.pem',
  'ssl.keystore.password',
  'ssl_key',
  'ssl.certificate.pem',
];

/** Returns a copy of a librdkafka config with secret values replaced, safe to log. */
export function redactConfig<T extends Record<string, unknown>>(config: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    copy[key] = SECRET_CONFIG_KEYS.includes(key) || /password|secret|\.pem$|token/i.test(key) ? '[REDACTED]' : value;
  }
  return copy as T;
}

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for machines, unless a person is watching: `TRIBUTARY_LOG_FORMAT` (`json` | `pretty`)
 * decides, and when it is unset, whether stdout is a terminal.
 */
export function logFormat(
  setting: string | undefined = process.env.TRIBUTARY_LOG_FORMAT,
  isTTY: boolean = process.stdout.isTTY === true,
): LogFormat {
  if (setting === 'json' || setting === 'pretty') return setting;
  if (setting === undefined || setting === '') return isTTY ? 'pretty' : 'json';
  throw new TributaryConfigError('TRIBUTARY_LOG_FORMAT', `expected 'json' or 'pretty', got '${setting}'`);
}

function prettyStream(): DestinationStream {
  // Loaded only when used: a service writing JSON never pays for the prettifier.
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  // sync: a process that exits right after a line (a failed start) still shows it.
  return pretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
  });
}

/**
 * The app's logger: a given pino logger, or one built from pino options (pretty or JSON, see
 * {@link logFormat}). Either way its `err` and `payload` serializers write no message bytes beyond
 * what `logPayloads` allows; for a given logger that is a child of it (its other settings stay).
 */
export function createLogger(option: unknown, logPayloads: LogPayloads = 'none'): Logger {
  const serializers = logSerializers(logPayloads);
  if (option && typeof (option as Logger).child === 'function') return (option as Logger).child({}, { serializers });
  const options = (option ?? {}) as LoggerOptions;
  const settings: LoggerOptions = {
    name: 'tributary',
    level: process.env.TRIBUTARY_LOG_LEVEL ?? options.level ?? 'info',
    ...options,
    serializers: { ...serializers, ...options.serializers },
    redact: {
      paths: ['*.password', '*["sasl.password"]', '*["ssl.key.pem"]', '*["ssl.key.password"]'],
      censor: '[REDACTED]',
    },
  };
  // A transport of the user's decides the output on its own.
  if (options.transport) return pino(settings);
  return pino(settings, logFormat() === 'pretty' ? prettyStream() : jsonStream());
}

/**
 * stdout, written before each call returns. pino's own default writes asynchronously, through the
 * thread pool (which librdkafka's calls also occupy), so the last lines before a kill were lost:
 * Nest re-raises SIGTERM right after its shutdown hooks, which killed the process with "tributary
 * stopped" unwritten, and a SIGKILL or a crash took the lines that would explain it. Tributary
 * logs lifecycle events, not one line per message, so the cost of a write per line does not show.
 */
function jsonStream(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/**
 * Writes out what a logger of the user's buffered (a transport, a stream with `minLength`): a host
 * that re-raises the signal right after the stop (Nest's shutdown hooks do) would kill the process
 * with the last lines still in memory. Tributary's own streams write synchronously and need none.
 * Bounded: a stream that never answers does not hold the stop.
 */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1_000);
    try {
      logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
