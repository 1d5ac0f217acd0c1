import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext, type MiddlewareFn } from '@tributary/core';
import { CapturingProducer } from './capturing-producer.js';
import { testHandler } from './test-handler.js';

// A dead-letter middleware in miniature (the real one is @tributary/middleware's, tested in test/src/readme).
const toDlq =
  (producer: CapturingProducer): MiddlewareFn =>
  async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      await producer.send({ topic: `${ctx.message.topic}.dlq`, key: ctx.message.rawKey, value: ctx.message.rawValue });
      ctx.outcome = 'dead-lettered';
      ctx.logger.warn({ err }, 'dead-lettered');
    }
  };

@ConsumerGroup('kit')
class Handlers {
  @Consume('orders')
  async on(msg: Message<{ n: number }>, ctx: MessageContext) {
    if (msg.value.n < 0) throw new Error('negative');
    ctx.logger.info(`order ${msg.value.n}`);
  }
}

test('attributes outcomes, DLQ writes and log lines to each message, offsets per partition', async () => {
  const result = await testHandler(
    Handlers,
    [
      { key: 'a', value: { n: 1 } },
      { key: 'b', value: { n: -1 } },
      { value: { n: 2 }, partition: 1 },
      { value: 'not json' },
    ],
    { middleware: (producer) => [toDlq(producer)] },
  );
  assert.deepEqual(result.outcomes, ['done', 'dead-lettered', 'done', 'dead-lettered']);
  assert.deepEqual(
    result.messages.map((m) => `${m.partition}@${m.offset}:${m.key}`),
    ['0@0:a', '0@1:b', '1@0:null', '0@2:null'],
  );
  assert.deepEqual(result.messages[0]?.deadLetters, []);
  assert.equal(result.messages[1]?.deadLetters[0]?.topic, 'orders.dlq');
  assert.equal(String(result.messages[1]?.deadLetters[0]?.value), '{"n":-1}');
  assert.equal(result.deadLetters.length, 2);
  const first = result.messages[0]?.logs[0];
  assert.equal(first?.level, 'info');
  assert.equal(first?.msg, 'order 1');
  assert.equal(first?.handler, 'Handlers.on');
  assert.equal(first?.offset, 0);
  assert.equal(result.messages[3]?.logs[0]?.msg, 'dead-lettered');
  assert.equal(result.logs.length, 4);
});

test('a failing DLQ write leaves the message failed; without middleware a throw is failed', async () => {
  const producer = new CapturingProducer().failNext();
  const result = await testHandler(Handlers, [{ value: { n: -1 } }, { value: { n: -2 } }], {
    producer,
    middleware: (p) => [toDlq(p)],
  });
  assert.deepEqual(result.outcomes, ['failed', 'dead-lettered']);
  assert.match(String(result.messages[0]?.error), /broker unavailable/);

  const bare = await testHandler(Handlers, [{ value: { n: -1 } }]);
  assert.equal(bare.messages[0]?.outcome, 'failed');
  assert.equal(String(bare.messages[0]?.error), 'Error: negative');
});
