import type { Message } from '@tributary/core';
import type { TaskCompleted, TaskCreated } from './events.js';
import type { Notification } from './notifier/notifier.js';

const at = (msg: Message) => ({ topic: msg.topic, partition: msg.partition, offset: msg.offset });

/** What a `task-created` event notifies (both services' handlers send exactly this). */
export function createdNotification(msg: Message<TaskCreated>): Notification {
  const e = msg.value;
  return {
    eventId: e.eventId,
    taskId: e.taskId,
    ownerId: e.ownerId,
    kind: 'task-created',
    text: `New task: ${e.title}`,
    source: at(msg),
  };
}

/** What a `task-completed` event notifies. */
export function completedNotification(msg: Message<TaskCompleted>): Notification {
  const e = msg.value;
  return {
    eventId: e.eventId,
    taskId: e.taskId,
    ownerId: e.ownerId,
    kind: 'task-completed',
    text: `Task ${e.taskId} completed`,
    source: at(msg),
  };
}
