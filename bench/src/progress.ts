/** One line per step on stderr, so stdout stays clean and a long run shows where it is. */
const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}
