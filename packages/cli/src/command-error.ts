import { KafkaIoError, LagError } from '@tributary/lag';
import { UsageError } from './usage-error.js';

/**
 * The command ran and could not do what was asked: a refused reset, a failed delivery. One line on
 * stderr; exit code 1 unless given (2 is for input the user must change: see UsageError).
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Ends the process for an error the user can act on, as one line: bad options, an unknown topic or
 * unreachable brokers (exit 2, as `tributary lag` does), a CommandError (its exit code). Anything
 * else is a bug and is rethrown with its stack.
 */
export function exitOnKnownError(err: unknown): never {
  if (err instanceof UsageError || err instanceof LagError || err instanceof CommandError) {
    process.stderr.write(`tributary: ${err.message}\n`);
    process.exit(err instanceof CommandError ? err.exitCode : 2);
  }
  // A failed read or delivery is 1; unreachable brokers and input to change are 2, as above.
  if (err instanceof KafkaIoError) {
    process.stderr.write(`tributary: ${err.message}\n`);
    process.exit(err.kind === 'delivery' || err.kind === 'read' ? 1 : 2);
  }
  throw err;
}
