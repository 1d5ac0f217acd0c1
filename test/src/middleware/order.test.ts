import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Consume,
  ConsumerGroup,
  type Message,
  type MessageContext,
  type MiddlewareClass,
  type Next,
  TributaryApp,
  UseMiddleware,
} from '@tributary/core';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';
import { injectable } from 'tsyringe';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('middleware runs app → group → handler, around the handler; a short-circuit settles the message', async () => {
  const topic = uniqueName('orders');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 4, {
    message: (i) => ({ key: null, value: JSON.stringify({ n: i }) }),
  });
  const trace: string[] = [];
  const mark =
    (name: string) =>
    async (ctx: MessageContext, next: Next): Promise<void> => {
      trace.push(`${name}>${(ctx.message.value as { n: number }).n}`);
      await next();
      trace.push(`<${name}`);
    };

  @injectable()
  class Audit implements MiddlewareClass {
    async handle(ctx: MessageContext, next: Next) {
      trace.push(`audit(class)>${(ctx.message.value as { n: number }).n}`);
      await next();
    }
  }
  // Filter: odd messages are settled without the handler (outcome 'skipped').
  const skipOdd = async (ctx: MessageContext, next: Next) => {
    if ((ctx.message.value as { n: number }).n % 2 === 1) {
      ctx.outcome = 'skipped';
      trace.push('skip');
      return;
    }
    await next();
  };

  @ConsumerGroup(group, { middleware: [mark('group')] })
  class Handler {
    @Consume(topic)
    @UseMiddleware(mark('handler'), Audit, skipOdd)
    async on(msg: Message<{ n: number }>) {
      trace.push(`handle ${msg.value.n}`);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    middleware: [mark('app')],
    groups: { [group]: { commitIntervalMs: 100 } },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  try {
    await waitUntil(async () => (await committedOffsets(kafka.bootstrapServers, group, topic, 1))[0] === 4, {
      message: 'all four committed, skipped ones included',
    });
  } finally {
    await app.stop();
  }
  assert.deepEqual(trace.slice(0, 8), [
    'app>0',
    'group>0',
    'handler>0',
    'audit(class)>0',
    'handle 0',
    '<handler',
    '<group',
    '<app',
  ]);
  assert.deepEqual(trace.slice(8, 15), [
    'app>1',
    'group>1',
    'handler>1',
    'audit(class)>1',
    'skip',
    '<handler',
    '<group',
  ]);
  assert.equal(trace.filter((t) => t.startsWith('handle ')).length, 2, 'the handler ran for even messages only');
});

test('groups[id].middleware in TributaryApp.create replaces the decorator’s group middleware', async () => {
  const topic = uniqueName('override');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 1, { message: () => ({ key: null, value: '{"n":0}' }) });
  const trace: string[] = [];
  const mark = (name: string) => async (_ctx: MessageContext, next: Next) => {
    trace.push(name);
    await next();
  };

  @ConsumerGroup(group, { middleware: [mark('decorator')] })
  class Handler {
    @Consume(topic)
    async on() {
      trace.push('handle');
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    groups: { [group]: { middleware: [mark('override')] } },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  await app.start();
  try {
    await waitUntil(() => trace.includes('handle'), { message: 'handled' });
  } finally {
    await app.stop();
  }
  assert.deepEqual(trace, ['override', 'handle']);
});
