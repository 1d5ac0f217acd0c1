/** An action request the dashboard cannot carry out as given: 400 with this message. */
export class ActionRequestError extends Error {
  override readonly name = 'ActionRequestError';
}

export interface PauseRequest {
  topic: string;
  partition?: number;
}

export interface ReplayRequest {
  dlqTopic: string;
  execute: boolean;
  /** `field=value`, as `tributary dlq replay --filter`. */
  filter?: string;
}

const object = (body: unknown): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ActionRequestError('the body must be a JSON object');
  return body as Record<string, unknown>;
};

/** `{ topic, partition? }`: a topic of the group (`topics`), a partition it has. */
export function parsePauseRequest(body: unknown, topics: ReadonlyMap<string, number>): PauseRequest {
  const b = object(body);
  if (typeof b.topic !== 'string' || !topics.has(b.topic))
    throw new ActionRequestError(
      `topic must be one of the group's topics (${[...topics.keys()].join(', ') || 'none known yet'})`,
    );
  if (b.partition === undefined) return { topic: b.topic };
  const count = topics.get(b.topic) as number;
  if (!Number.isInteger(b.partition) || (b.partition as number) < 0 || (b.partition as number) >= count)
    throw new ActionRequestError(`partition must be 0–${count - 1} for ${b.topic}`);
  return { topic: b.topic, partition: b.partition as number };
}

/** `{ dlqTopic, execute?, filter? }`: one of the group's DLQ topics (`dlqTopics`). */
export function parseReplayRequest(body: unknown, dlqTopics: readonly string[]): ReplayRequest {
  const b = object(body);
  if (typeof b.dlqTopic !== 'string' || !dlqTopics.includes(b.dlqTopic))
    throw new ActionRequestError(`dlqTopic must be one of the group's DLQ topics (${dlqTopics.join(', ') || 'none'})`);
  if (b.execute !== undefined && typeof b.execute !== 'boolean')
    throw new ActionRequestError('execute must be a boolean');
  if (b.filter !== undefined && (typeof b.filter !== 'string' || b.filter === ''))
    throw new ActionRequestError('filter must be field=value');
  return {
    dlqTopic: b.dlqTopic,
    execute: b.execute === true,
    ...(b.filter === undefined ? {} : { filter: b.filter as string }),
  };
}

/** The paused set after an action: a topic's resume ends its partitions' pauses too. */
export function nextPaused(paused: ReadonlySet<string>, action: 'pause' | 'resume', r: PauseRequest): Set<string> {
  const key = r.partition === undefined ? r.topic : `${r.topic}/${r.partition}`;
  const next = new Set(paused);
  if (action === 'pause') next.add(key);
  else if (r.partition !== undefined) next.delete(key);
  else for (const k of paused) if (k === r.topic || k.startsWith(`${r.topic}/`)) next.delete(k);
  return next;
}
