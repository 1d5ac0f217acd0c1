export interface BackoffOptions {
  /** Delay before the second attempt. Default 100 ms. */
  initialDelayMs?: number;
  /** Cap of any single delay. Default 10 s. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Share of the delay that is random (0 = none, 1 = "full jitter"). Default 0.2. */
  jitter?: number;
}

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed (attempt ≥ 1): exponential, capped,
 * with the last `jitter` share randomised so a fleet of consumers does not retry in lockstep.
 * Always within [base × (1 − jitter), base] where base = min(max, initial × multiplier^(attempt−1)).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialDelayMs = 100, maxDelayMs = 10_000, multiplier = 2, jitter = 0.2 } = options;
  const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}

/** Resolves after `ms`, or as soon as `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
