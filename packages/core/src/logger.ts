import pino, { type Logger, type LoggerOptions } from 'pino';

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

export function createLogger(option: unknown): Logger {
  if (option && typeof (option as Logger).child === 'function') return option as Logger;
  const options = (option ?? {}) as LoggerOptions;
  return pino({
    name: 'tributary',
    level: process.env.TRIBUTARY_LOG_LEVEL ?? options.level ?? 'info',
    ...options,
    redact: {
      paths: ['*.password', '*["sasl.password"]', '*["ssl.key.pem"]', '*["ssl.key.password"]'],
      censor: '[REDACTED]',
    },
  });
}
