/**
 * Messages for `tributary verify --app dist/main.js --messages dist/verify-messages.js`: task-created
 * events the service accepts, one unique eventId per message, keyed by task (500 tasks in turn).
 */
export default function taskCreated(n: number) {
  const taskId = `task-${n % 500}`;
  return {
    key: taskId,
    value: {
      eventId: `evt-${n}`,
      taskId,
      ownerId: `user-${n % 37}`,
      title: `task ${n}`,
      createdAt: new Date(1_780_000_000_000 + n * 1000).toISOString(),
    },
  };
}
