import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHeaderOption, recordFromJsonLine } from './produce-input.js';

const defaults = { key: 'k0', headers: [['source', 'cli']] as Array<[string, string]>, partition: undefined };
const line = (text: string) => recordFromJsonLine('t', text, 3, defaults);

test('a JSONL line: string values as text, JSON values encoded, null a tombstone; defaults under the line', () => {
  const r = line('{"key":"k1","value":{"a":1},"headers":{"source":"file","x":"y"},"partition":2}');
  assert.equal(r?.key?.toString(), 'k1');
  assert.equal(r?.value?.toString(), '{"a":1}');
  assert.equal(r?.partition, 2);
  assert.deepEqual(
    r?.headers.map(([k, v]) => [k, v.toString()]),
    [
      ['source', 'file'],
      ['x', 'y'],
    ],
  );
  const plain = line('{"value":"hi"}');
  assert.equal(plain?.value?.toString(), 'hi');
  assert.equal(plain?.key?.toString(), 'k0', '--key applies where the line has none');
  assert.deepEqual(
    plain?.headers.map(([k]) => k),
    ['source'],
  );
  assert.equal(line('{"value":null,"key":null}')?.value, null);
  assert.equal(line('{"value":null,"key":null}')?.key, null);
  assert.equal(line('   '), undefined);
});

test('a bad line is named by its number', () => {
  assert.throws(() => line('nope'), /^UsageError: line 3: not JSON/);
  assert.throws(() => line('[1]'), /line 3: must be an object/);
  assert.throws(() => line('{"key":"k"}'), /line 3: has no "value"/);
  assert.throws(() => line('{"value":1,"partition":-1}'), /"partition" must be a non-negative integer/);
  assert.throws(() => line('{"value":1,"headers":{"a":1}}'), /header "a" must be a string/);
  assert.throws(() => line('{"value":1,"topic":"x"}'), /unknown field topic/);
  assert.deepEqual(parseHeaderOption('a=b=c'), ['a', 'b=c']);
  assert.throws(() => parseHeaderOption('=b'), /--header must be name=value, got "=b"/);
});
