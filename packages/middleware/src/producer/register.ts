import type { DependencyContainer } from 'tsyringe';
import { TributaryProducer, type TributaryProducerConfig } from './tributary-producer.js';

/**
 * Registers one shared `TributaryProducer` in `container`, so handlers can inject it
 * (`constructor(private readonly producer: TributaryProducer)`). Returns it for the app's
 * shutdown (`await producer.disconnect()` flushes).
 */
export function registerProducer(container: DependencyContainer, config: TributaryProducerConfig): TributaryProducer {
  const producer = new TributaryProducer(config);
  container.registerInstance(TributaryProducer, producer);
  return producer;
}
