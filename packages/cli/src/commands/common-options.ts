import { UsageError } from '../usage-error.js';

/** `--brokers`, else `KAFKA_BROKERS`, else a usage error naming both. */
export function brokersOption(value: string | undefined): string {
  const brokers = value ?? process.env.KAFKA_BROKERS;
  if (!brokers) throw new UsageError('no brokers: pass --brokers host:port or set KAFKA_BROKERS');
  return brokers;
}

/** Accumulates a repeatable option. No default array: commander would print "(default: [])" in --help. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--<flag>` as a number > 0, else a usage error naming the flag and the value given. */
export function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`--${flag} must be a positive number, got "${text}"`);
  return value;
}

/** `--<flag>` as an integer > 0, else a usage error naming the flag and the value given. */
export function positiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--${flag} must be a positive integer, got "${text}"`);
  return Number(text);
}
