import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesForLog, LoggedPayload, logSerializers, TRUNCATED_BYTES } from './log-serializers.js';

// What a log line holds of a serialized value.
const asLogged = (serialized: unknown) => JSON.parse(JSON.stringify(serialized));

const personal = Buffer.from('{"email":"alice@example.com","name":"Alice Liddell","street":"1 Rabbit Hole"}');

test('bytes become text per mode and never a byte array', () => {
  assert.equal(bytesForLog(personal, 'none'), `[${personal.length} bytes]`);
  const truncated = bytesForLog(personal, 'truncated');
  assert.equal(truncated, `[${personal.length} bytes] ${personal.subarray(0, TRUNCATED_BYTES).toString()}…`);
  assert.equal(bytesForLog(personal, 'full'), personal.toString());
  assert.equal(bytesForLog(Buffer.from([0xff, 0x00, 0x81]), 'full'), 'base64:/wCB');
  // A truncation in the middle of a character drops the half character instead of writing U+FFFD.
  const accents = Buffer.from('é'.repeat(40));
  assert.equal(bytesForLog(accents, 'truncated'), `[80 bytes] ${'é'.repeat(32)}…`);
});

test("a payload shows the value's size and header names unless 'full'; without the serializer it is 'none'", () => {
  const payload = new LoggedPayload({
    rawValue: personal,
    headers: { traceparent: Buffer.from('00-abc'), user: personal },
  });
  assert.deepEqual(payload.render('none'), { value: `[${personal.length} bytes]`, headers: ['traceparent', 'user'] });
  assert.deepEqual(payload.render('truncated').headers, ['traceparent', 'user']);
  assert.deepEqual(payload.render('full'), {
    value: personal.toString(),
    headers: { traceparent: '00-abc', user: personal.toString() },
  });
  assert.equal(JSON.stringify({ payload }), JSON.stringify({ payload: payload.render('none') }));
  assert.deepEqual(new LoggedPayload({ rawValue: null, headers: {} }).render('full'), { value: null, headers: {} });
});

test('an error carrying a message is serialized without its bytes, its headers by name', () => {
  const raw = {
    topic: 't',
    partition: 0,
    offset: 5,
    value: personal,
    key: Buffer.from('k'),
    headers: [{ user: personal }],
  };
  const err = Object.assign(new Error('handler rejected'), {
    kafkaMessage: raw,
    nested: { deeper: { bytes: new Uint8Array(300) } },
  });
  const out = asLogged(logSerializers('none').err(err));
  assert.deepEqual(out.kafkaMessage, {
    topic: 't',
    partition: 0,
    offset: 5,
    value: `[${personal.length} bytes]`,
    key: '[1 bytes]',
    headers: ['user'],
  });
  assert.equal(out.nested.deeper.bytes, '[300 bytes]');
  const line = JSON.stringify(out);
  assert.ok(!line.includes('alice'), line);
  assert.ok(!/"data":\[/.test(line), line);
  assert.deepEqual(asLogged(logSerializers('full').err(err)).kafkaMessage.headers, [{ user: personal.toString() }]);
});

test("a cause's text is written once in the message, and its stack is named, not repeated", () => {
  const cause = new SyntaxError('Unexpected token } in JSON at position 12');
  const wrapper = new Error(`cannot decode t/0@5: ${cause.message}`, { cause });
  const out = logSerializers('none').err(wrapper) as { message: string; stack: string };
  assert.equal(out.message, 'cannot decode t/0@5: Unexpected token } in JSON at position 12');
  assert.equal(out.stack.split(cause.message).length - 1, 1, out.stack);
  assert.match(out.stack, /\ncaused by: SyntaxError\n {4}at /);
  // The frames both stacks share are counted, not listed twice.
  assert.match(out.stack, /\ncaused by: SyntaxError\n {4}at [^\n]+\n {4}… \d+ frames as above$/);
  // A cause the message does not mention is appended, as pino does.
  const other = logSerializers('none').err(new Error('write failed', { cause: new Error('broker down') }));
  assert.equal((other as { message: string }).message, 'write failed: broker down');
});

test('circular and non-error values survive; stack paths are relative to the working directory', () => {
  const err: Error & { self?: unknown } = new Error('loop');
  err.self = { err };
  const out = asLogged(logSerializers('none').err(err));
  assert.equal(out.self.err, '[Circular]');
  assert.ok(!out.stack.includes(process.cwd()), out.stack);
  assert.equal(logSerializers('none').err('plain text'), 'plain text');
});
