import type { ConsumerSpec, HandleFn, RunningConsumer } from './types.js';

/**
 * Starts a contender's consumer. Each client is loaded only when used, so a worker's memory holds
 * one client (NestJS alone adds tens of MB of modules).
 */
export async function startConsumer(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  switch (spec.kind) {
    case 'raw':
      return (await import('./raw.js')).startRaw(spec, handle);
    case 'ckjs-kafkajs':
      return (await import('./ckjs-kafkajs.js')).startCkjsKafkaJs(spec, handle, false);
    case 'ckjs-eachbatch':
      return (await import('./ckjs-kafkajs.js')).startCkjsKafkaJs(spec, handle, true);
    case 'kafkajs':
      return (await import('./kafkajs.js')).startKafkaJs(spec, handle);
    case 'nestjs':
      return (await import('./nestjs.js')).startNest(spec, handle);
    case 'tributary':
      return (await import('./tributary.js')).startTributary(spec, handle);
    case 'tributary-nest':
      return (await import('./tributary-nest.js')).startTributaryNest(spec, handle);
  }
}
