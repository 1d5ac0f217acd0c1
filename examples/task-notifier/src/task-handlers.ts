import { Consume, ConsumerGroup, type Message, type MessageContext } from '@tributary/core';
import { injectable } from 'tsyringe';
import { z } from 'zod';

/** The event as the producer writes it; anything else is dead-lettered without a retry. */
export const TaskCreated = z.object({ taskId: z.string(), ownerId: z.string(), title: z.string().min(1) });
export type TaskCreated = z.infer<typeof TaskCreated>;

/** Where notifications go. This one logs; a real one sends mail. Injected, so a test can swap it. */
@injectable()
export class Notifier {
  async notify(task: TaskCreated, ctx: MessageContext): Promise<void> {
    ctx.logger.info({ taskId: task.taskId }, `notify ${task.ownerId}: ${task.title}`);
  }
}

// ordering 'key': events of one task stay in order, different tasks run side by side.
@ConsumerGroup('task-notifier', { ordering: 'key', concurrency: 32 })
export class TaskHandlers {
  constructor(private readonly notifier: Notifier) {}

  @Consume({ topic: 'task-created', schema: TaskCreated })
  async onCreated(msg: Message<TaskCreated>, ctx: MessageContext): Promise<void> {
    await this.notifier.notify(msg.value, ctx);
  }
}
