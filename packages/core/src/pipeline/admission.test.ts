import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import type { HandlerDefinition } from '../model/definitions.js';
import { Assignment } from '../partitions/assignment.js';
import { admit, Redeliveries } from './admission.js';

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

test('a poll bringing offsets the partition already tracks (librdkafka refetching from a stale position) lets them in once, logged once per partition', () => {
  const assignment = new Assignment();
  const [p0] = assignment.add([{ topic: 't', partition: 0 }]);
  const handlers = new Map([['t', handler]]);
  const redeliveries = new Redeliveries();
  admit([raw('t', 0, 0), raw('t', 0, 1), raw('t', 0, 2)], assignment, handlers, 0, redeliveries);
  p0?.offsets.markDone(0);
  const again = admit(
    [raw('t', 0, 0), raw('t', 0, 1), raw('t', 0, 2), raw('t', 0, 3)],
    assignment,
    handlers,
    0,
    redeliveries,
  );
  assert.deepEqual(
    again.map((m) => m.offset),
    [3],
  );
  assert.equal(p0?.inMemory, 4, 'three from the first poll, one new');
  assert.equal(p0?.due()?.offset, 1, 'the commit waits for 1, which is still running');
  const lines: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const logger = { warn: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) };
  redeliveries.flush(logger as never);
  redeliveries.flush(logger as never);
  assert.deepEqual(lines, [
    {
      fields: { topic: 't', partition: 0, firstOffset: 0, lastOffset: 2, count: 3 },
      msg: 'skipped 3 redelivered message(s) of t/0 already in the pipeline',
    },
  ]);
});
