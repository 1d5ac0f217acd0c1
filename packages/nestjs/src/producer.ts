import { Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TributaryProducer } from '@tributary/middleware';
import { TRIBUTARY_MODULE_OPTIONS, type TributaryModuleOptions } from './options.js';

/** Flushes and disconnects the module's producer once every consumer has stopped (after `beforeApplicationShutdown`). */
@Injectable()
export class TributaryProducerCloser implements OnApplicationShutdown {
  constructor(private readonly producer: TributaryProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** The `TributaryProducer` provider, on the module's brokers, when `producer` is set. */
export const producerProviders: Provider[] = [
  {
    provide: TributaryProducer,
    inject: [TRIBUTARY_MODULE_OPTIONS],
    useFactory: (options: TributaryModuleOptions) => {
      const settings = typeof options.producer === 'object' ? options.producer : {};
      const brokers = options.brokers ?? process.env.KAFKA_BROKERS ?? '';
      return new TributaryProducer({
        brokers: Array.isArray(brokers) ? brokers.join(',') : brokers,
        ...(options.clientId ? { clientId: `${options.clientId}-producer` } : {}),
        ...(options.logger && typeof (options.logger as { child?: unknown }).child === 'function'
          ? { logger: options.logger as never }
          : {}),
        ...settings,
      });
    },
  },
  TributaryProducerCloser,
];
