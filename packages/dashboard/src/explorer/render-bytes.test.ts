import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderText, renderValue } from './render-bytes.js';

test('a JSON object or array is pretty-printed', () => {
  assert.deepEqual(renderValue(Buffer.from('{"eventId":"e-1","tags":[1,2]}')), {
    kind: 'json',
    text: '{\n  "eventId": "e-1",\n  "tags": [\n    1,\n    2\n  ]\n}',
    bytes: 30,
    truncated: false,
  });
  assert.equal(renderValue(Buffer.from(' [1] ')).kind, 'json');
});

test('text that is not JSON (or a bare JSON scalar) stays text; broken JSON is text', () => {
  assert.deepEqual(renderValue(Buffer.from('héllo wörld')), {
    kind: 'text',
    text: 'héllo wörld',
    bytes: 13,
    truncated: false,
  });
  assert.equal(renderValue(Buffer.from('42')).kind, 'text');
  assert.equal(renderValue(Buffer.from('{"broken": ')).kind, 'text');
  assert.equal(renderValue('\tline 1\r\nline 2').kind, 'text');
});

test('bytes that are not UTF-8, or carry control characters, are hex', () => {
  assert.deepEqual(renderValue(Buffer.from([0xff, 0x00, 0x1a])), {
    kind: 'hex',
    text: 'ff 00 1a',
    bytes: 3,
    truncated: false,
  });
  // Valid UTF-8 but a NUL inside: binary (e.g. a schema-registry framed Avro record).
  assert.equal(renderText(Buffer.from([0x00, 0x00, 0x00, 0x00, 0x01, 0x41])).kind, 'hex');
});

test('null is null (a null key, a tombstone), not an empty string', () => {
  assert.deepEqual(renderValue(null), { kind: 'null', text: '', bytes: 0, truncated: false });
  assert.equal(renderText(Buffer.alloc(0)).kind, 'text');
});

test('long values are cut at the limit without splitting a UTF-8 character', () => {
  const long = renderText(Buffer.from('ééé'), 3); // 6 bytes; 3 would split the 2nd é
  assert.deepEqual(long, { kind: 'text', text: 'é', bytes: 6, truncated: true });
  // Cut JSON cannot be pretty-printed: shown as the text it is.
  const json = renderValue(Buffer.from(JSON.stringify({ a: 'x'.repeat(100) })), 20);
  assert.equal(json.kind, 'text');
  assert.equal(json.truncated, true);
  const binary = renderText(Buffer.alloc(5000, 0xff));
  assert.equal(binary.kind, 'hex');
  assert.equal(binary.truncated, true);
  assert.equal(binary.text.split(' ').length, 1024);
});
