import 'reflect-metadata';
import { Consume, ConsumerGroup, type GroupOptions, type Message, TributaryApp } from '@tributary/core';
import { TributaryMetrics } from '@tributary/metrics';
import { defaultMiddleware, registerProducer } from '@tributary/middleware';
import { container } from 'tsyringe';
import { ALL_MIDDLEWARE, type ConsumerSpec, type HandleFn, type RunningConsumer, signal } from './types.js';

/**
 * A Tributary app with one handler class. The handler takes the raw bytes (`decoder: 'buffer'`,
 * as every other contender gets them). With `middleware`, the production stack: logging, tracing,
 * dead letter (a connected producer) and retry, plus Prometheus metrics attached to the events.
 */
export async function startTributary(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  const settings = spec.tributary;
  if (!settings) throw new Error('startTributary: spec.tributary is missing');

  @ConsumerGroup(spec.groupId, { ordering: settings.ordering })
  class BenchHandler {
    @Consume({ topic: spec.topic, decoder: 'buffer' })
    async on(msg: Message) {
      return handle(msg.partition, msg.offset, msg.rawValue);
    }
  }

  const pieces = new Set(settings.middleware === true ? ALL_MIDDLEWARE : settings.middleware || []);
  const scope = container.createChildContainer();
  const producer = pieces.has('deadLetter') ? registerProducer(scope, { brokers: spec.bootstrap }) : undefined;
  const middleware =
    pieces.size === 0
      ? []
      : defaultMiddleware({
          logging: pieces.has('logging') ? undefined : false,
          tracing: pieces.has('tracing') ? undefined : false,
          retry: pieces.has('retry') ? undefined : false,
          ...(producer ? { deadLetter: { producer } } : {}),
        });
  const group: GroupOptions = {
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.maxInFlight === undefined ? {} : { maxInFlight: settings.maxInFlight }),
    ...(settings.batchSize === undefined ? {} : { batchSize: settings.batchSize }),
    ...(settings.rebalanceProtocol === undefined ? {} : { rebalanceProtocol: settings.rebalanceProtocol }),
    ...(settings.groupProtocol === undefined ? {} : { groupProtocol: settings.groupProtocol }),
    ...(spec.rdkafka === undefined ? {} : { rdkafka: spec.rdkafka }),
  };
  const app = await TributaryApp.create({
    brokers: spec.bootstrap,
    handlers: [BenchHandler],
    container: scope,
    middleware,
    groups: { [spec.groupId]: group },
    handleSignals: false,
    // BENCH_LOG_LEVEL=info shows rebalances and commits when a run looks wrong.
    logger: { level: process.env.BENCH_LOG_LEVEL ?? 'warn' },
  });
  const detachMetrics = pieces.has('metrics') ? new TributaryMetrics().attach(app) : undefined;
  const assigned = signal();
  let commits = 0;
  app.events.once('partitions.assigned', () => assigned.resolve());
  app.events.on('offsets.committed', () => {
    commits += 1;
  });
  let pauses = 0;
  app.events.on('partition.paused', () => {
    pauses += 1;
  });
  await app.start();
  return {
    assigned: assigned.promise,
    commits: () => commits,
    pauses: () => pauses,
    async stop() {
      await app.stop();
      detachMetrics?.();
      await producer?.disconnect();
    },
  };
}
