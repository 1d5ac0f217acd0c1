import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { KafkaConsumer } from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import type { ResolvedGroupOptions } from '../config/group-options.js';
import { TributaryConfigError } from '../errors.js';
import type { TributaryEvents } from '../events.js';
import type { GroupDefinition, HandlerDefinition } from '../model/definitions.js';
import { Assignment } from '../partitions/assignment.js';
import { transactionRunnerFor } from './transactional-group.js';

const handler = (name: string, over: Partial<HandlerDefinition> = {}) =>
  ({ name, topics: [name], middleware: [], ...over }) as unknown as HandlerDefinition;
const txn = { maxMessages: 100, maxMs: 100 };

function inputs(handlers: HandlerDefinition[], ordering = 'partition') {
  const definition = {
    groupId: 'g',
    options: {},
    handlersByTopic: new Map(handlers.map((h) => [h.name, h])),
    hooks: { assigned: [], revoked: [], lost: [] },
  } as unknown as GroupDefinition;
  return {
    definition,
    options: { ordering } as ResolvedGroupOptions,
    consumerConfig: { 'client.id': 'c' },
    brokers: 'localhost:9092',
    groupId: 'g',
    assignment: new Assignment(),
    consumer: () => ({}) as KafkaConsumer,
    rewind: async () => undefined,
    events: new EventEmitter<TributaryEvents>(),
    logger: pino({ level: 'silent' }),
  };
}

test('no transactional handler: no runner; a group mixing both, or not in partition ordering, is refused', () => {
  assert.equal(transactionRunnerFor(inputs([handler('a')])), undefined);
  assert.throws(
    () => transactionRunnerFor(inputs([handler('a', { transactional: txn }), handler('b')])),
    (err: TributaryConfigError) =>
      err instanceof TributaryConfigError && /mixes transactional handlers \(a\)/.test(err.message),
  );
  assert.throws(
    () => transactionRunnerFor(inputs([handler('a', { transactional: txn })], 'key')),
    (err: TributaryConfigError) => err.key === 'groups.g.ordering',
  );
  assert.throws(
    () => transactionRunnerFor(inputs([handler('a', { transactional: txn, ordering: 'unordered' })])),
    /needs ordering 'partition', not 'unordered'/,
  );
  assert.ok(transactionRunnerFor(inputs([handler('a', { transactional: txn })])));
});
