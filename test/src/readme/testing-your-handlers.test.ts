import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Consume, ConsumerGroup, type Message, type MessageContext } from '@tributary/core';
import { type DeadLetterOptions, DlqHeader, deadLetter, retry, TributaryProducer } from '@tributary/middleware';
import { startTestApp, testHandler } from '@tributary/testing';
import { z } from 'zod';

const TaskCreated = z.object({ taskId: z.string(), ownerId: z.string(), title: z.string() });

@ConsumerGroup('notification-service', { ordering: 'key' })
class TaskHandlers {
  @Consume({ topic: 'task-created', schema: TaskCreated })
  async onCreated(msg: Message<z.infer<typeof TaskCreated>>, ctx: MessageContext) {
    if (msg.value.title === '') throw new Error('nothing to notify about');
    ctx.logger.info(`notify ${msg.value.ownerId}: ${msg.value.title}`);
  }
}

// The app's chain: final failures go to the DLQ, after two attempts.
const middleware = (producer: DeadLetterOptions['producer']) => [
  deadLetter({ producer }),
  retry({ maxAttempts: 2, initialDelayMs: 10 }),
];

test('outcomes, DLQ writes and log lines, without a broker', async () => {
  const result = await testHandler(
    TaskHandlers,
    [
      { key: 'task-1', value: { taskId: 'task-1', ownerId: 'u-1', title: 'write the docs' } },
      { key: 'task-2', value: { taskId: 'task-2', ownerId: 'u-1', title: '' } }, // fails twice
      { key: 'task-3', value: { taskId: 'task-3' } }, // invalid: never retried
    ],
    { middleware },
  );
  assert.deepEqual(result.outcomes, ['done', 'dead-lettered', 'dead-lettered']);
  assert.equal(result.messages[0]?.logs[0]?.msg, 'notify u-1: write the docs');
  const [failed, invalid] = result.deadLetters;
  assert.equal(failed?.topic, 'task-created.dlq');
  assert.equal(failed?.headers?.[DlqHeader.attempts], '2');
  assert.equal(invalid?.headers?.[DlqHeader.errorClass], 'DeserializationError');
  assert.equal(invalid?.headers?.[DlqHeader.attempts], '1');
});

test('on the embedded broker: produce, wait until handled, read the DLQ', async () => {
  const run = await startTestApp({
    topics: [{ name: 'task-created', partitions: 3 }],
    app: ({ brokers, onStop }) => {
      const producer = new TributaryProducer({ brokers });
      onStop(() => producer.disconnect());
      return { handlers: [TaskHandlers], middleware: middleware(producer) };
    },
  });
  try {
    await run.produce('task-created', [
      { key: 'task-1', value: { taskId: 'task-1', ownerId: 'u-1', title: 'write the docs' } },
      { key: 'task-2', value: 'not json' },
    ]);
    const handled = await run.waitUntilHandled(2);
    assert.deepEqual(handled.map((m) => m.outcome).sort(), ['dead-lettered', 'done']);
    const [dead] = await run.readDeadLetters('task-created', 1);
    assert.equal(dead?.key, 'task-2');
    assert.equal(dead?.value?.toString(), 'not json');
    assert.equal(dead?.headers[DlqHeader.errorClass], 'DeserializationError');
  } finally {
    await run.stop();
  }
});
