import { UsageError } from '../usage-error.js';

/** `--brokers`, else `KAFKA_BROKERS`, else a usage error naming both. */
export function brokersOption(value: string | undefined): string {
  const brokers = value ?? process.env.KAFKA_BROKERS;
  if (!brokers) throw new UsageError('no brokers: pass --brokers host:port or set KAFKA_BROKERS');
  return brokers;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
