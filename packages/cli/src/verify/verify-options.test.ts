import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { expectationPairs, type VerifyFlags, verifyOptions } from './verify-options.js';

const flags: VerifyFlags = {
  app: 'dist/main.js',
  instances: '3',
  duration: '60',
  rate: '500',
  partitions: '6',
  settle: '120',
};

test('the command line becomes verifyDelivery options; defaults run every scenario', () => {
  const o = verifyOptions({ ...flags, scenario: 'sigkill,storm', env: ['HTTP_PORT=0', 'INSTANCE_ID={instance}'] });
  assert.deepEqual(o.scenarios, ['sigkill', 'storm']);
  assert.equal(o.durationMs, 60_000);
  assert.deepEqual(o.env, { HTTP_PORT: '0', INSTANCE_ID: '{instance}' });
  assert.equal(verifyOptions(flags).scenarios?.length, 7);
});

test('bad input is a usage error naming the flag', () => {
  assert.throws(() => verifyOptions({ ...flags, scenario: 'sigkil' }), /unknown scenario "sigkil"/);
  assert.throws(() => verifyOptions({ ...flags, env: ['NOPE'] }), /--env must be KEY=VALUE/);
  assert.throws(() => verifyOptions({ ...flags, group: 'g' }), UsageError);
  assert.throws(() => verifyOptions({ ...flags, instances: '0' }), /--instances/);
});

test('--expect sets numbers, auto and booleans, and names the keys it knows', () => {
  assert.deepEqual(expectationPairs(['crashDuplicatesPerKill=100', 'order=false', 'lost=2']), {
    crashDuplicatesPerKill: 100,
    order: false,
    lost: 2,
  });
  assert.deepEqual(expectationPairs(['crashDuplicatesPerKill=auto']), { crashDuplicatesPerKill: 'auto' });
  assert.throws(() => expectationPairs(['lsot=1']), /use one of lost=…/);
  assert.throws(() => expectationPairs(['lost=true']), /takes a number/);
});
