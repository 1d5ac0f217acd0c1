import { Inject, Injectable } from '@nestjs/common';
import { Consume, ConsumerGroup, type Message, type MessageContext } from '@tributary/core';
import {
  completedNotification,
  createdNotification,
  GROUP_ID,
  NOTIFIER,
  type Notifier,
  TaskCompleted,
  TaskCreated,
  TOPICS,
} from '@tributary/notification-service';

/**
 * The notification service's handlers as a Nest provider: the same group, ordering and messages as
 * apps/notification-service, the notifier injected by Nest.
 */
@Injectable()
@ConsumerGroup(GROUP_ID, { ordering: 'key', concurrency: 64 })
export class TaskNotifications {
  constructor(@Inject(NOTIFIER) private readonly notifier: Notifier) {}

  @Consume({ topic: TOPICS.created, schema: TaskCreated })
  async onCreated(msg: Message<TaskCreated>, ctx: MessageContext) {
    await this.notifier.send(createdNotification(msg), { signal: ctx.signal });
  }

  @Consume({ topic: TOPICS.completed, schema: TaskCompleted })
  async onCompleted(msg: Message<TaskCompleted>, ctx: MessageContext) {
    await this.notifier.send(completedNotification(msg), { signal: ctx.signal });
  }
}
