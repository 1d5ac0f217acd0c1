/** Deterministic pseudo-random numbers (mulberry32), so a run can be repeated with `--seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = [
  'Review PR',
  'Buy groceries',
  'Call dentist',
  'Write release notes',
  'Fix flaky test',
  'Plan sprint',
  'Renew certificate',
];

export interface TaskEvent {
  topic: 'task-created' | 'task-completed';
  key: string;
  value: string;
  /** Set for valid events: the id a notification will carry. */
  eventId?: string;
  poison: boolean;
}

/**
 * The stream of events a task tracker emits: `task-created`, and later `task-completed` for the
 * same task id (keyed by task id). A `poisonShare` of events are malformed: broken JSON or events
 * that fail the schema.
 */
export class TaskEventSource {
  private nextTask = 0;
  private nextEvent = 0;
  private readonly open: string[] = [];

  constructor(
    private readonly random: () => number,
    private readonly poisonShare = 0,
    private readonly runId = Date.now().toString(36),
  ) {}

  next(): TaskEvent {
    const completing = this.open.length > 20 || (this.open.length > 0 && this.random() < 0.4);
    if (this.random() < this.poisonShare) return this.poison();
    const eventId = `${this.runId}-e${this.nextEvent++}`;
    if (completing) {
      const index = Math.floor(this.random() * this.open.length);
      const taskId = this.open.splice(index, 1)[0] as string;
      return {
        topic: 'task-completed',
        key: taskId,
        eventId,
        poison: false,
        value: JSON.stringify({ eventId, taskId, ownerId: ownerOf(taskId), completedAt: new Date().toISOString() }),
      };
    }
    const taskId = `task-${this.runId}-${this.nextTask++}`;
    this.open.push(taskId);
    const title = TITLES[Math.floor(this.random() * TITLES.length)] as string;
    return {
      topic: 'task-created',
      key: taskId,
      eventId,
      poison: false,
      value: JSON.stringify({ eventId, taskId, ownerId: ownerOf(taskId), title, createdAt: new Date().toISOString() }),
    };
  }

  private poison(): TaskEvent {
    const taskId = `task-${this.runId}-poison-${this.nextEvent++}`;
    // Half broken JSON, half valid JSON that fails the schema (no title, bad date).
    const value =
      this.random() < 0.5
        ? `{"taskId":"${taskId}", oops`
        : JSON.stringify({ eventId: taskId, taskId, ownerId: '', createdAt: 'yesterday' });
    return { topic: 'task-created', key: taskId, value, poison: true };
  }
}

function ownerOf(taskId: string): string {
  let h = 0;
  for (const c of taskId) h = (h * 31 + c.charCodeAt(0)) | 0;
  return `user-${Math.abs(h) % 50}`;
}
