import {
  type BatchContext,
  type Message,
  type MessageContext,
  type MessageOutcome,
  PauseRequest,
} from '@tributary/core';
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

/**
 * A batch context for unit tests of middleware, settling as the core does: `settle`/`resolve`
 * record outcomes; `markSucceeded` (the innermost step's) is emulated by `run` below.
 */
export function fakeBatchContext(offsets: number[]): BatchContext & { outcomes: Map<number, MessageOutcome> } {
  const all = offsets.map((offset) => fakeContext({ offset, key: `k${offset}` }).message);
  const outcomes = new Map<number, MessageOutcome>();
  const ctx = {
    batch: true as const,
    groupId: 'notification-service',
    handler: 'Bulk.on',
    messages: all as readonly Message[],
    get unsettled() {
      return all.filter((m) => !outcomes.has(m.offset));
    },
    resolve(offset: number) {
      for (const m of all) if (m.offset <= offset && !outcomes.has(m.offset)) outcomes.set(m.offset, 'done');
    },
    settle(messages: readonly Message[], outcome: MessageOutcome) {
      for (const m of messages) if (!outcomes.has(m.offset)) outcomes.set(m.offset, outcome);
    },
    attempt: 1,
    signal: new AbortController().signal,
    logger: pino({ level: 'silent' }),
    state: new Map(),
    pause(ms: number): never {
      throw new PauseRequest(ms);
    },
    outcomes,
  };
  return ctx;
}
