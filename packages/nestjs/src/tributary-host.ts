import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { consumerGroupOf, TributaryApp, TributaryConfigError } from '@tributary/core';
import { NestResolver } from './nest-resolver.js';
import { TRIBUTARY_MODULE_OPTIONS, type TributaryModuleOptions } from './options.js';

/**
 * Owns the `TributaryApp` of a Nest application, on Nest's lifecycle:
 * - `onModuleInit`: finds the `@ConsumerGroup` providers and creates the app (config, decorators
 *   and DI are validated here: a mistake fails `NestFactory.create…`, naming the key or class);
 * - `onApplicationBootstrap`: starts it (connects, checks topics, joins);
 * - `beforeApplicationShutdown`: stops it gracefully — in-flight work drained and committed, the
 *   group left — before any `onApplicationShutdown` (so a producer the handlers use is still open).
 * Inject it for `app` (events, stats, readiness).
 */
@Injectable()
export class TributaryHost implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private created?: TributaryApp;

  constructor(
    @Inject(TRIBUTARY_MODULE_OPTIONS) private readonly options: TributaryModuleOptions,
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {}

  /** The app, from `onModuleInit` of the `TributaryModule` on (global modules initialise first). */
  get app(): TributaryApp {
    if (!this.created) throw new Error('TributaryHost.app is read before Nest initialised TributaryModule');
    return this.created;
  }

  async onModuleInit(): Promise<void> {
    const resolver = new NestResolver(this.moduleRef, this.discovery);
    const handlers = resolver.classes((cls) => consumerGroupOf(cls) !== undefined);
    if (handlers.length === 0) {
      throw new TributaryConfigError(
        'handlers',
        "no Nest provider is decorated with @ConsumerGroup: add your handler classes to a module's `providers`",
      );
    }
    const { producer: _producer, ...config } = this.options;
    // Nest owns signals (`enableShutdownHooks()`): Tributary's own handler would exit the process under it.
    this.created = await TributaryApp.create({ ...config, handlers, resolver, handleSignals: false });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.app.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.created || this.created.status === 'created') return;
    await this.created.stop();
  }
}
