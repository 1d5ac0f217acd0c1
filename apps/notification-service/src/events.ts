import { z } from 'zod';

/** `task-created`: a task was created; its owner gets a notification. Keyed by task id. */
export const TaskCreated = z.object({
  eventId: z.string().min(1),
  taskId: z.string().min(1),
  ownerId: z.string().min(1),
  title: z.string().min(1),
  createdAt: z.coerce.date(),
});
export type TaskCreated = z.infer<typeof TaskCreated>;

/** `task-completed`: the same task id, later. */
export const TaskCompleted = z.object({
  eventId: z.string().min(1),
  taskId: z.string().min(1),
  ownerId: z.string().min(1),
  completedAt: z.coerce.date(),
});
export type TaskCompleted = z.infer<typeof TaskCompleted>;

export const TOPICS = { created: 'task-created', completed: 'task-completed' } as const;
