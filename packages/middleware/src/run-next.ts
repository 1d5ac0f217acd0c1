import type { Next } from '@tributary/core';

/**
 * `next()` as a promise, also when it throws synchronously. Middleware that acts only on a failure
 * chains `.catch` on it instead of being an `async` function: an async layer costs a promise and
 * an await per message, on the path every message takes.
 */
export function runNext(next: Next): Promise<void> {
  try {
    return next();
  } catch (error) {
    return Promise.reject(error);
  }
}
