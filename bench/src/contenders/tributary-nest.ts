import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Consume, ConsumerGroup, type GroupOptions, type Message } from '@tributary/core';
import { TributaryHost, TributaryModule } from '@tributary/nestjs';
import { type ConsumerSpec, type HandleFn, type RunningConsumer, signal } from './types.js';

const HANDLE = Symbol('bench handle');

/**
 * Tributary inside a Nest application (`@tributary/nestjs`): the handler is a Nest provider that
 * injects the workload's handle function, the app a Nest application context. Beside the NestJS
 * transport's row it shows what a Nest team gets by swapping the transport for the module; beside
 * `tributary-key` what the Nest integration costs (nothing per message is expected: Nest resolves
 * the handler once).
 */
export async function startTributaryNest(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  const settings = spec.tributary;
  if (!settings) throw new Error('startTributaryNest: spec.tributary is missing');

  @Injectable()
  @ConsumerGroup(spec.groupId, { ordering: settings.ordering })
  class BenchHandler {
    constructor(@Inject(HANDLE) private readonly handleFn: HandleFn) {}
    @Consume({ topic: spec.topic, decoder: 'buffer' })
    async on(msg: Message) {
      return this.handleFn(msg.partition, msg.offset, msg.rawValue);
    }
  }
  const group: GroupOptions = {
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.maxInFlight === undefined ? {} : { maxInFlight: settings.maxInFlight }),
    ...(settings.batchSize === undefined ? {} : { batchSize: settings.batchSize }),
    ...(spec.rdkafka === undefined ? {} : { rdkafka: spec.rdkafka }),
  };
  @Module({
    imports: [
      TributaryModule.forRoot({
        brokers: spec.bootstrap,
        groups: { [spec.groupId]: group },
        logger: { level: process.env.BENCH_LOG_LEVEL ?? 'warn' },
      }),
    ],
    providers: [BenchHandler, { provide: HANDLE, useValue: handle }],
  })
  class BenchModule {}

  const assigned = signal();
  let commits = 0;
  let pauses = 0;
  // The app is created in onModuleInit and started in onApplicationBootstrap, both inside
  // createApplicationContext: listen from a provider would be the Nest way; here the events are
  // read once the context is up, and `assigned` also checks the current assignment.
  const context = await NestFactory.createApplicationContext(BenchModule, { logger: false, abortOnError: false });
  const app = context.get(TributaryHost).app;
  app.events.once('partitions.assigned', () => assigned.resolve());
  if (app.stats().some((s) => s.assigned.length > 0)) assigned.resolve();
  app.events.on('offsets.committed', () => {
    commits += 1;
  });
  app.events.on('partition.paused', () => {
    pauses += 1;
  });
  return {
    assigned: assigned.promise,
    commits: () => commits,
    pauses: () => pauses,
    stop: () => context.close(),
  };
}
