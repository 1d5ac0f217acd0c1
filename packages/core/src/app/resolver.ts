import type { DependencyContainer } from 'tsyringe';

/** A class the app constructs through its resolver: a handler class or a middleware class. */
export type Resolvable<T = unknown> = new (...args: never[]) => T;

/**
 * Where the app gets its handler and middleware instances. Each class is resolved once, at
 * `TributaryApp.create` (a mistake fails there), and the instance serves every message.
 * tsyringe is the default (`tsyringeResolver`); `@tributary/nestjs` passes one backed by Nest's
 * container, so handlers are ordinary Nest providers.
 */
export interface Resolver {
  resolve<T>(cls: Resolvable<T>): T;
  /**
   * Called once by `stop()`, after the `onShutdown` hooks and within `shutdownTimeoutMs`: releases
   * what this resolver constructed. Optional: a container whose lifetimes belong to someone else
   * (Nest's) has nothing to release here.
   */
  dispose?(): unknown;
}

/**
 * A resolver over a tsyringe container the app owns: `dispose()` awaits the `dispose()` of every
 * `Disposable` the container constructed. Pass a child container: disposing it leaves its parent usable.
 */
export function tsyringeResolver(container: DependencyContainer): Resolver {
  return {
    resolve: <T>(cls: Resolvable<T>) => container.resolve(cls as never) as T,
    dispose: () => container.dispose(),
  };
}
