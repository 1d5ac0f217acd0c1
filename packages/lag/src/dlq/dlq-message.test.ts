import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@confluentinc/kafka-javascript';
import {
  DlqHeader,
  matchesFilter,
  parseDlqMessage,
  parseFilter,
  REPLAY_COUNT_HEADER,
  replayHeaders,
} from './dlq-message.js';

const entry = (headers: Array<Record<string, string>>) =>
  parseDlqMessage({
    topic: 'orders.dlq',
    partition: 0,
    offset: 3,
    value: null,
    size: 0,
    headers: headers.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v)]))),
  } satisfies Message);

test('replay headers: the originals in order, the DLQ headers removed, the replay count raised', () => {
  const first = entry([
    { origin: 'shop' },
    { [DlqHeader.errorClass]: 'RangeError' },
    { [DlqHeader.originalTopic]: 'orders' },
    { trace: 'abc' },
  ]);
  assert.equal(first.errorClass, 'RangeError');
  assert.equal(first.originalTopic, 'orders');
  assert.deepEqual(
    replayHeaders(first).map(([k, v]) => [k, v.toString()]),
    [
      ['origin', 'shop'],
      ['trace', 'abc'],
      [REPLAY_COUNT_HEADER, '1'],
    ],
  );
  const again = entry([{ [REPLAY_COUNT_HEADER]: '2' }, { [DlqHeader.errorClass]: 'RangeError' }]);
  assert.deepEqual(
    replayHeaders(again).map(([k, v]) => [k, v.toString()]),
    [[REPLAY_COUNT_HEADER, '3']],
  );
});

test('--filter field=value', () => {
  const e = entry([{ [DlqHeader.errorClass]: 'ZodError' }, { [DlqHeader.originalTopic]: 'orders' }]);
  assert.ok(matchesFilter(e, parseFilter('error-class=ZodError')));
  assert.ok(!matchesFilter(e, parseFilter('error-class=RangeError')));
  assert.ok(matchesFilter(e, parseFilter('original-topic=orders')));
  assert.ok(matchesFilter(e, undefined));
  assert.throws(
    () => parseFilter('error=ZodError'),
    /--filter must be error-class\|original-topic\|group\|handler=<value>/,
  );
  assert.equal(entry([]).errorClass, '(no error class)');
});
