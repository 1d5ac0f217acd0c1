import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { HandlerDefinition } from '../model/definitions.js';
import { Assignment } from '../partitions/assignment.js';
import { admit } from './admission.js';

const raw = (topic: string, partition: number, offset: number) =>
  ({ topic, partition, offset, value: null, size: 0 }) as unknown as RawMessage;
const handler = { name: 'H.on' } as HandlerDefinition;

test('admits messages of owned, active partitions with a handler; counts them; drops the rest', () => {
  const assignment = new Assignment();
  const [p0, p1] = assignment.add([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  p1?.beginRevoke(true);
  const admitted = admit(
    [raw('t', 0, 4), raw('t', 0, 5), raw('t', 1, 9), raw('t', 2, 1), raw('other', 0, 1)],
    assignment,
    new Map([['t', handler]]),
  );
  assert.deepEqual(
    admitted.map((m) => `${m.partition}@${m.offset}`),
    ['0@4', '0@5'],
  );
  assert.equal(p0?.inMemory, 2);
  assert.equal(p0?.due()?.offset, 4, 'admitted offsets hold the commit until done');
  assert.equal(p1?.inMemory, 0, 'a revoking partition takes nothing (the next owner reads it)');
  assert.equal(admitted[0]?.owner, p0);
});
