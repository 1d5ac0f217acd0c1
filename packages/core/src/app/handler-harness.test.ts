import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { injectable } from 'tsyringe';
import { z } from 'zod';
import { Consume, ConsumerGroup, UseMiddleware } from '../decorators/decorators.js';
import { DeserializationError, HandlerRegistrationError, TributaryConfigError } from '../errors.js';
import type { Message, MessageContext } from '../message.js';
import type { MiddlewareFn, Next } from '../middleware/middleware.js';
import { HandlerHarness, type HarnessMessage } from './handler-harness.js';

const logger = pino({ level: 'silent' });
const message = (topic: string, value: unknown, offset = 0): HarnessMessage => ({
  topic,
  partition: 0,
  offset,
  key: Buffer.from('k'),
  value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
  headers: {},
  timestamp: 0,
});

test('runs app → group → @UseMiddleware → method, with middleware classes from the container', async () => {
  const order: string[] = [];
  const mark =
    (name: string): MiddlewareFn =>
    async (_ctx, next) => {
      order.push(`${name}>`);
      await next();
      order.push(`<${name}`);
    };
  @injectable()
  class ClassMiddleware {
    async handle(_ctx: MessageContext, next: Next) {
      order.push('class>');
      await next();
    }
  }
  @ConsumerGroup('g', { middleware: [mark('group')] })
  class Handlers {
    @Consume('t')
    @UseMiddleware(mark('own-1'), ClassMiddleware)
    async on(msg: Message<{ n: number }>) {
      order.push(`method ${msg.value.n}`);
    }
  }
  const harness = HandlerHarness.create({ handler: Handlers, middleware: [mark('app')], logger });
  assert.equal(harness.groupId, 'g');
  assert.deepEqual(harness.topics, ['t']);
  const result = await harness.run(message('t', { n: 1 }));
  assert.deepEqual(result, { handler: 'Handlers.on', outcome: 'done', attempts: 1 });
  assert.deepEqual(order, ['app>', 'group>', 'own-1>', 'class>', 'method 1', '<own-1', '<group', '<app']);
});

test('reports skipped, failed and a decode failure inside the chain, and parses with the schema', async () => {
  const seen: unknown[] = [];
  @ConsumerGroup('g2')
  class Handlers {
    @Consume({ topic: 'typed', schema: z.object({ id: z.string() }) })
    async typed(msg: Message<{ id: string }>) {
      seen.push(msg.value);
    }
    @Consume('boom')
    async boom() {
      throw new Error('down');
    }
  }
  const skipOdd: MiddlewareFn = async (ctx, next) => {
    if (ctx.message.offset % 2 === 1) {
      ctx.outcome = 'skipped';
      return;
    }
    await next();
  };
  const harness = HandlerHarness.create({ handler: Handlers, middleware: [skipOdd], logger });
  assert.equal((await harness.run(message('typed', { id: 'a', extra: 1 }))).outcome, 'done');
  assert.deepEqual(seen, [{ id: 'a' }], 'the handler receives the parsed value');
  assert.equal((await harness.run(message('typed', { id: 'a' }, 1))).outcome, 'skipped');

  const invalid = await harness.run(message('typed', { id: 7 }));
  assert.equal(invalid.outcome, 'failed');
  assert.ok(invalid.error instanceof DeserializationError);
  const notJson = await harness.run(message('typed', 'not json'));
  assert.ok(notJson.error instanceof DeserializationError);

  const failed = await harness.run(message('boom', {}));
  assert.equal(failed.outcome, 'failed');
  assert.equal((failed.error as Error).message, 'down');
  assert.equal(seen.length, 1);
});

test('mistakes throw the typed errors TributaryApp.create would', () => {
  class Plain {}
  assert.throws(() => HandlerHarness.create({ handler: Plain, logger }), HandlerRegistrationError);
  @ConsumerGroup('g3')
  class Handlers {
    @Consume('t')
    async on() {}
  }
  const harness = HandlerHarness.create({ handler: Handlers, logger });
  return assert.rejects(harness.run(message('other', {})), TributaryConfigError);
});
