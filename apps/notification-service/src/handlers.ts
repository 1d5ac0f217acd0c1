import { Consume, ConsumerGroup, type Message, type MessageContext } from '@tributary/core';
import { recordEffect } from '@tributary/testing/record';
import { inject } from 'tsyringe';
import { TaskCompleted, TaskCreated, TOPICS } from './events.js';
import { completedNotification, createdNotification } from './notifications.js';
import { NOTIFIER, type Notifier } from './notifier/notifier.js';

export const GROUP_ID = 'notification-service';

/**
 * Key ordering: events of one task stay in order while different tasks of a partition are
 * notified concurrently — a 500 ms email provider keeps up without 50 partitions.
 */
@ConsumerGroup(GROUP_ID, { ordering: 'key', concurrency: 64 })
export class TaskNotifications {
  constructor(@inject(NOTIFIER) private readonly notifier: Notifier) {}

  @Consume({ topic: TOPICS.created, schema: TaskCreated })
  async onCreated(msg: Message<TaskCreated>, ctx: MessageContext) {
    await this.notifier.send(createdNotification(msg), { signal: ctx.signal });
    // `tributary verify` counts notifications sent twice from this (a no-op outside a verify run).
    recordEffect(msg.value.eventId);
  }

  @Consume({ topic: TOPICS.completed, schema: TaskCompleted })
  async onCompleted(msg: Message<TaskCompleted>, ctx: MessageContext) {
    await this.notifier.send(completedNotification(msg), { signal: ctx.signal });
    recordEffect(msg.value.eventId);
  }
}
