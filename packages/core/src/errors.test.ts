import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeserializationError, HandlerError } from './errors.js';

// What the pipeline passes as coordinates: librdkafka's whole message.
const raw = { topic: 't', partition: 1, offset: 9, value: Buffer.from('secret'), headers: [{ h: Buffer.from('x') }] };

test('errors of a message keep its coordinates only, never its bytes', () => {
  const decode = new DeserializationError(raw, 'Unexpected end of JSON input');
  assert.deepEqual(decode.coordinates, { topic: 't', partition: 1, offset: 9 });
  assert.equal(decode.reason, 'Unexpected end of JSON input');
  assert.equal(decode.message, 'cannot decode t/1@9: Unexpected end of JSON input');
  assert.ok(!Object.keys(decode).includes('reason'), 'the message states the reason already');
  assert.ok(!JSON.stringify(decode).includes('secret'));
  const handler = new HandlerError('H.on', raw, 2, { cause: decode });
  assert.deepEqual(handler.coordinates, { topic: 't', partition: 1, offset: 9 });
});
