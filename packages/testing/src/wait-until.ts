export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what we were waiting for; it leads the error message on timeout. */
  message?: string | (() => string);
}

/**
 * Polls `condition` until it returns a truthy value, then returns that value. On timeout it
 * throws with `message` and the last value or error seen, so a failing test says what was missing.
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 30_000, intervalMs = 50 } = options;
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (performance.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let counter = 0;
/** A name unique to this process and call, for topics and groups that must not collide. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
