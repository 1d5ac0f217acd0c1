import 'reflect-metadata';
import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  type KafkaContext,
  type MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { type ConsumerSpec, type HandleFn, type RunningConsumer } from './types.js';

const HANDLE = Symbol('bench handle');

/**
 * `@nestjs/microservices`' Kafka transport (the `kafkajs` package underneath) with one
 * `@EventPattern` handler. Nest deserializes every value (JSON.parse when it looks like JSON), as a
 * Nest service gets it; every partition is consumed concurrently.
 */
export async function startNest(spec: ConsumerSpec, handle: HandleFn): Promise<RunningConsumer> {
  @Controller()
  class BenchController {
    constructor(@Inject(HANDLE) private readonly handleFn: HandleFn) {}

    @EventPattern(spec.topic)
    async on(@Payload() _data: unknown, @Ctx() ...args: unknown[]) {
      const context = args[0] as KafkaContext;
      const message = context.getMessage();
      await this.handleFn(context.getPartition(), Number(message.offset), message.value as Buffer | null);
    }
  }

  @Module({ controllers: [BenchController], providers: [{ provide: HANDLE, useValue: handle }] })
  class BenchModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    transport: Transport.KAFKA,
    logger: false,
    options: {
      postfixId: '',
      client: { clientId: 'bench-nest', brokers: spec.bootstrap.split(','), logLevel: 0 },
      consumer: {
        groupId: spec.groupId,
        ...(spec.maxWaitMs === undefined ? {} : { maxWaitTimeInMs: spec.maxWaitMs }),
      },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: spec.partitions },
    },
  });
  await app.listen();
  // KafkaJS's run() returns once the member joined, so the assignment is in place now.
  const [, consumer] = app.unwrap<[unknown, Consumer]>();
  let commits = 0;
  consumer.on(consumer.events.COMMIT_OFFSETS, () => {
    commits += 1;
  });
  return { assigned: Promise.resolve(), commits: () => commits, stop: () => app.close() };
}
