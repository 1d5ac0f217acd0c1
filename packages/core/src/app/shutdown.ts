import type { Logger } from 'pino';
import type { Resolver } from './resolver.js';

/** An `onShutdown` function: awaited after every group stopped (close producers, pools, files). */
export type ShutdownHook = () => unknown;

const expired = Symbol('expired');

/**
 * Runs the hooks in order, then disposes the resolver (tsyringe's awaits the `dispose()` of every
 * `Disposable` its container constructed), all within `timeoutMs`. A hook that throws is logged and the
 * next one still runs; when the time is up the rest is abandoned, and that is logged too.
 * Resolves `false` when something failed or did not finish.
 */
export async function runShutdown(
  hooks: readonly ShutdownHook[],
  resolver: Resolver,
  timeoutMs: number,
  logger: Logger,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let clean = true;
  const steps: [string, () => unknown][] = [
    ...hooks.map((hook, i): [string, () => unknown] => [`onShutdown[${i}]${hook.name ? ` (${hook.name})` : ''}`, hook]),
    ...(resolver.dispose ? [['disposing the container', () => resolver.dispose?.()] as [string, () => unknown]] : []),
  ];
  for (const [name, step] of steps) {
    const outcome = await withDeadline(step, deadline - performance.now()).catch((err: unknown) => {
      logger.error({ err }, `${name} failed`);
      clean = false;
    });
    if (outcome === expired) {
      logger.error(
        { timeoutMs },
        `${name} did not finish within shutdownTimeoutMs: not waiting for it or what follows`,
      );
      return false;
    }
  }
  return clean;
}

async function withDeadline(step: () => unknown, remainingMs: number): Promise<unknown> {
  if (remainingMs <= 0) return expired;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(step),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(expired), remainingMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
