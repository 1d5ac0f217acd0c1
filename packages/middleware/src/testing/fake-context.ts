import { type Message, type MessageContext, PauseRequest } from '@tributary/core';
import pino from 'pino';

/** A message context for unit tests of middleware (integration tests use the real pipeline). */
export function fakeContext(overrides: Partial<Message> = {}, signal?: globalThis.AbortSignal): MessageContext {
  const message: Message = {
    topic: 'task-created',
    partition: 2,
    offset: 41,
    key: 'task-1',
    rawKey: Buffer.from('task-1'),
    value: { eventId: 'e-1' },
    rawValue: Buffer.from('{"eventId":"e-1"}'),
    headers: { source: Buffer.from('test') },
    timestamp: 1_700_000_000_000,
    size: 17,
    ...overrides,
  };
  return {
    groupId: 'notification-service',
    handler: 'TaskHandlers.onCreated',
    message,
    attempt: 1,
    signal: signal ?? new AbortController().signal,
    logger: pino({ level: 'silent' }),
    state: new Map(),
    pause(ms: number): never {
      throw new PauseRequest(ms);
    },
  };
}
