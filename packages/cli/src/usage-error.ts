/** Bad input from the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Prints `err` as one line and exits 2 when it is the user's input at fault, else rethrows. */
export function exitOnUsageError(err: unknown, isUsage: (err: Error) => boolean): never {
  if (err instanceof Error && (err instanceof UsageError || isUsage(err))) {
    process.stderr.write(`tributary: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
