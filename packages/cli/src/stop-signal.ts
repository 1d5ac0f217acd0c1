/**
 * Resolves on the first Ctrl-C (SIGINT) or SIGTERM. Call it before announcing an address: whoever
 * reads the line may signal at once, and a signal before the listener exists would kill the process.
 */
export function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
