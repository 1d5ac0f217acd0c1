import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TributaryProducer } from '@tributary/middleware';
import { TRIBUTARY_MODULE_OPTIONS, type TributaryModuleAsyncOptions, type TributaryModuleOptions } from './options.js';
import { producerProviders } from './producer.js';
import { TributaryHost } from './tributary-host.js';

/**
 * Tributary in a Nest application: `TributaryModule.forRoot({ brokers, ... })` once, in the root
 * module; handler classes are ordinary providers (`@Injectable()` + `@ConsumerGroup`) of any module.
 * Global, so `TributaryHost` (and `TributaryProducer`, with `producer`) inject anywhere.
 */
@Global()
@Module({})
export class TributaryModule {
  static forRoot(options: TributaryModuleOptions): DynamicModule {
    return TributaryModule.build(
      [{ provide: TRIBUTARY_MODULE_OPTIONS, useValue: options }],
      [],
      Boolean(options.producer),
    );
  }

  /**
   * Options from a factory (a `ConfigService`, a secret store…). Which providers exist is decided
   * before the factory runs, so `producer: true` goes here, and the producer's settings in the
   * factory's result.
   */
  static forRootAsync(options: TributaryModuleAsyncOptions): DynamicModule {
    return TributaryModule.build(
      [{ provide: TRIBUTARY_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
      Boolean(options.producer),
    );
  }

  private static build(
    optionProviders: Provider[],
    imports: DynamicModule['imports'],
    producer: boolean,
  ): DynamicModule {
    return {
      module: TributaryModule,
      imports: [DiscoveryModule, ...(imports ?? [])],
      providers: [...optionProviders, TributaryHost, ...(producer ? producerProviders : [])],
      exports: [TributaryHost, TRIBUTARY_MODULE_OPTIONS, ...(producer ? [TributaryProducer] : [])],
    };
  }
}
