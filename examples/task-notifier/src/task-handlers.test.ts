import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DlqHeader, defaultMiddleware } from '@tributary/middleware';
import { testHandler } from '@tributary/testing';
import { container } from 'tsyringe';
import { Notifier, type TaskCreated, TaskHandlers } from './task-handlers.js';

test('notifies the owner of a valid task and dead-letters an invalid one without retrying it', async () => {
  const sent: TaskCreated[] = [];
  const scope = container.createChildContainer();
  scope.registerInstance(Notifier, { notify: async (task: TaskCreated) => void sent.push(task) });

  const result = await testHandler(
    TaskHandlers,
    [
      { key: 'task-1', value: { taskId: 'task-1', ownerId: 'u-1', title: 'ship it' } },
      { key: 'task-2', value: { taskId: 'task-2', ownerId: 'u-1', title: '' } },
    ],
    { container: scope, middleware: (producer) => defaultMiddleware({ deadLetter: { producer } }) },
  );

  assert.deepEqual(result.outcomes, ['done', 'dead-lettered']);
  assert.deepEqual(
    sent.map((t) => t.taskId),
    ['task-1'],
  );
  const [dead] = result.deadLetters;
  assert.equal(dead?.topic, 'task-created.dlq');
  assert.equal(dead?.headers?.[DlqHeader.errorClass], 'DeserializationError');
  assert.equal(dead?.headers?.[DlqHeader.attempts], '1');
});
