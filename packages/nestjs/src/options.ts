import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import type { TributaryAppConfig } from '@tributary/core';
import type { TributaryProducerConfig } from '@tributary/middleware';

/**
 * `TributaryModule.forRoot` options: `TributaryApp.create`'s, less what Nest owns. Handler classes
 * are found among the application's providers (`@ConsumerGroup` on an `@Injectable()`), resolved
 * from Nest's container, and signals are Nest's (`app.enableShutdownHooks()`).
 */
export type TributaryModuleOptions = Omit<
  TributaryAppConfig,
  'handlers' | 'container' | 'resolver' | 'handleSignals'
> & {
  /**
   * Registers a `TributaryProducer` provider on the same brokers (for `ctx`-free sends and the
   * dead-letter middleware), flushed and disconnected after the consumers stopped. `true` for its
   * defaults, or its settings.
   */
  producer?: boolean | Omit<TributaryProducerConfig, 'brokers'>;
};

export interface TributaryModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Registers the `TributaryProducer` provider (its settings come from the factory's `producer`). */
  producer?: boolean;
  useFactory: (...args: any[]) => TributaryModuleOptions | Promise<TributaryModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/** The resolved `TributaryModuleOptions`, injectable. */
export const TRIBUTARY_MODULE_OPTIONS = Symbol.for('tributary:nestjs:module-options');
