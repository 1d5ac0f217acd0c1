import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@confluentinc/kafka-javascript';
import { decodeBytes, decodeMessage, decodeValue, messageAsJson, messageAsText, searchableText } from './decode.js';

test('bytes are text when valid UTF-8 without control characters, else hex', () => {
  assert.deepEqual(decodeBytes(Buffer.from('héllo\tworld\n')), { encoding: 'text', text: 'héllo\tworld\n' });
  assert.deepEqual(decodeBytes(Buffer.from([0xff, 0xfe])), { encoding: 'hex', hex: 'fffe' });
  assert.deepEqual(decodeBytes(Buffer.from([0x61, 0x00, 0x62])), { encoding: 'hex', hex: '610062' }, 'NUL is not text');
  assert.deepEqual(decodeBytes(Buffer.from('\x1b[2J')), { encoding: 'hex', hex: '1b5b324a' }, 'no escape codes');
});

test('values are JSON where they parse, then text, then hex; null is a tombstone', () => {
  assert.deepEqual(decodeValue(Buffer.from('{"a":[1,2]}')), { encoding: 'json', json: { a: [1, 2] } });
  assert.deepEqual(decodeValue(Buffer.from('42')), { encoding: 'json', json: 42 });
  assert.deepEqual(decodeValue(Buffer.from('{not json')), { encoding: 'text', text: '{not json' });
  assert.deepEqual(decodeValue(Buffer.from([0x80])), { encoding: 'hex', hex: '80' });
  assert.deepEqual(decodeValue(null), { encoding: 'null' });
});

test('a message as text and as a JSON line', () => {
  const message = {
    topic: 't',
    partition: 1,
    offset: 7,
    timestamp: Date.UTC(2026, 4, 1, 12),
    key: Buffer.from('k'),
    value: Buffer.from('{"n":1}'),
    size: 7,
    headers: [
      { trace: Buffer.from('abc') },
      { bin: Buffer.from([0xff]) },
      { stack: Buffer.from('E\n  at x') },
    ] as Message['headers'],
  } satisfies Message;
  const decoded = decodeMessage(message);
  assert.equal(
    messageAsText(decoded),
    'partition=1 offset=7 timestamp=2026-05-01T12:00:00.000Z key=k\n' +
      'header trace=abc\nheader bin=hex:ff\nheader stack=E\n    at x\nvalue (json):\n{\n  "n": 1\n}\n\n',
  );
  assert.deepEqual(messageAsJson(decoded), {
    topic: 't',
    partition: 1,
    offset: 7,
    timestamp: '2026-05-01T12:00:00.000Z',
    key: 'k',
    keyEncoding: 'text',
    headers: [
      { key: 'trace', value: 'abc', encoding: 'text' },
      { key: 'bin', value: 'ff', encoding: 'hex' },
      { key: 'stack', value: 'E\n  at x', encoding: 'text' },
    ],
    value: { n: 1 },
    valueEncoding: 'json',
  });
  assert.match(searchableText(decoded), /trace=abc/);
  const keyless = decodeMessage({ ...message, key: undefined, value: null, timestamp: -1, headers: undefined });
  assert.equal(messageAsText(keyless), 'partition=1 offset=7 timestamp=- key=(null)\nvalue: null (tombstone)\n\n');
});
