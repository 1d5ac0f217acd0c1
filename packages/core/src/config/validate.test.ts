import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TributaryConfigError } from '../errors.js';
import { appConfigSchema, groupOptionsSchema } from './schema.js';
import { knownKeysAt, validateConfig } from './validate.js';

const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TributaryConfigError, String(err));
    return err.message;
  }
  assert.fail('expected a TributaryConfigError');
};

const app = { handlers: [class {}] };

test('a misspelt group option names the option it most likely means', () => {
  assert.equal(
    problemOf(() => validateConfig(appConfigSchema, { ...app, groups: { g: { concurency: 4 } } }, '')),
    'invalid config groups.g.concurency: unknown option, did you mean `concurrency`?',
  );
  assert.match(
    problemOf(() => validateConfig(groupOptionsSchema, { maxInflight: 10 }, '@ConsumerGroup(g) on H')),
    /@ConsumerGroup\(g\) on H\.maxInflight: unknown option, did you mean `maxInFlight`\?/,
  );
});

test('nested objects and several misspellings get their own suggestions', () => {
  assert.match(
    problemOf(() =>
      validateConfig(appConfigSchema, { ...app, groups: { g: { retryBackoffMs: { intial: 1, max: 2 } } } }, ''),
    ),
    /groups\.g\.retryBackoffMs\.intial: unknown option, did you mean `initial`\?/,
  );
  assert.match(
    problemOf(() => validateConfig(appConfigSchema, { ...app, shutdownTimeotMs: 1, handleSignal: false }, '')),
    /did you mean `shutdownTimeoutMs` for shutdownTimeotMs, `handleSignals` for handleSignal\?/,
  );
});

test('an unknown option close to nothing keeps the plain advice', () => {
  assert.match(
    problemOf(() => validateConfig(appConfigSchema, { ...app, retries: 3 }, '')),
    /retries: unknown option \(check the spelling/,
  );
});

test('known keys are found through optional, record and union schemas', () => {
  assert.ok(knownKeysAt(appConfigSchema, ['groups', 'any-group']).includes('concurrency'));
  assert.deepEqual(knownKeysAt(appConfigSchema, ['groups', 'g', 'retryBackoffMs']), ['initial', 'max']);
  assert.ok(knownKeysAt(appConfigSchema, []).includes('brokers'));
  assert.deepEqual(knownKeysAt(appConfigSchema, ['brokers']), []);
});
