import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Consume,
  ConsumerGroup,
  HandlerRegistrationError,
  type Message,
  TributaryApp,
  TributaryConfigError,
} from '@tributary/core';

@ConsumerGroup('bootstrap-errors')
class Good {
  @Consume('orders')
  async on(_msg: Message) {}
}

const create = (config: Record<string, unknown>) =>
  TributaryApp.create({ brokers: '127.0.0.1:1', handleSignals: false, handlers: [Good], ...config } as never);

async function rejectsWith(promise: Promise<unknown>, type: Function, pattern: RegExp) {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${err.name}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('an unknown app option names the key', async () => {
  await rejectsWith(create({ concurency: 3 }), TributaryConfigError, /concurency.*unknown option/);
});

test('a misspelt group option suggests the option it most likely means', async () => {
  await rejectsWith(
    create({ groups: { 'bootstrap-errors': { concurency: 4 } } }),
    TributaryConfigError,
    /groups\.bootstrap-errors\.concurency: unknown option, did you mean `concurrency`\?/,
  );
  @ConsumerGroup('typo-suggest', { comitIntervalMs: 100 } as never)
  class Typo {
    @Consume('t')
    async on() {}
  }
  await rejectsWith(
    create({ handlers: [Typo] }),
    TributaryConfigError,
    /comitIntervalMs.*did you mean `commitIntervalMs`\?/,
  );
});

test('a misspelt or invalid librdkafka property fails at bootstrap naming the property', async () => {
  await rejectsWith(
    create({ rdkafka: { 'fetch.max.byts': 1024 } }),
    TributaryConfigError,
    /rdkafka\["fetch\.max\.byts"\]/,
  );
  await rejectsWith(
    create({ groups: { 'bootstrap-errors': { rdkafka: { 'fetch.wait.max.ms': 'soon' } } } }),
    TributaryConfigError,
    /rdkafka\["fetch\.wait\.max\.ms"\]/,
  );
});

test('a wrong type names the key and what was expected', async () => {
  await rejectsWith(
    create({ groups: { 'bootstrap-errors': { maxInFlight: 'lots' } } }),
    TributaryConfigError,
    /groups\.bootstrap-errors\.maxInFlight: .*number.*\(got "lots"\)/,
  );
  await rejectsWith(
    create({ groups: { 'bootstrap-errors': { ordering: 'by-key' } } }),
    TributaryConfigError,
    /groups\.bootstrap-errors\.ordering/,
  );
});

test('an unknown group option on the decorator names the class', async () => {
  @ConsumerGroup('typo-group', { maxInflight: 10 } as never)
  class Typo {
    @Consume('t')
    async on() {}
  }
  await rejectsWith(
    create({ handlers: [Typo] }),
    TributaryConfigError,
    /@ConsumerGroup\(typo-group\) on Typo\.maxInflight/,
  );
});

test('overrides for a group no handler uses are rejected', async () => {
  await rejectsWith(create({ groups: { 'no-such-group': {} } }), TributaryConfigError, /groups\.no-such-group/);
});

test('no brokers at all is a config error naming brokers', async () => {
  const saved = process.env.KAFKA_BROKERS;
  delete process.env.KAFKA_BROKERS;
  try {
    await rejectsWith(create({ brokers: undefined }), TributaryConfigError, /invalid config brokers/);
  } finally {
    if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
  }
});

test('two handlers for one topic in one group name both methods', async () => {
  @ConsumerGroup('dup-group')
  class First {
    @Consume('orders')
    async a() {}
  }
  @ConsumerGroup('dup-group')
  class Second {
    @Consume(['payments', 'orders'])
    async b() {}
  }
  await rejectsWith(
    create({ handlers: [First, Second] }),
    HandlerRegistrationError,
    /Second\.b: topic "orders" .*First\.a/,
  );
});

test('an empty topic name names Class.method', async () => {
  @ConsumerGroup('empty-topic')
  class Empty {
    @Consume('  ')
    async on() {}
  }
  await rejectsWith(
    create({ handlers: [Empty] }),
    HandlerRegistrationError,
    /Empty\.on: .*topic name must not be empty/,
  );
});

test('@Consume on something that is not a method names Class.member', async () => {
  @ConsumerGroup('not-a-method')
  class NotMethod {
    handler = 42;
  }
  // What a JavaScript user (or a cast) can do: decorate a field.
  Consume('orders')(NotMethod.prototype, 'handler', {} as never);
  await rejectsWith(
    create({ handlers: [NotMethod] }),
    HandlerRegistrationError,
    /NotMethod\.handler: @Consume is on something that is not a method/,
  );
});

test('an unknown @Consume option and a class without @ConsumerGroup are named', async () => {
  @ConsumerGroup('bad-option')
  class BadOption {
    @Consume({ topic: 'x', retries: 3 } as never)
    async on() {}
  }
  await rejectsWith(
    create({ handlers: [BadOption] }),
    HandlerRegistrationError,
    /BadOption\.on: @Consume option retries: unknown option/,
  );
  class Plain {}
  await rejectsWith(
    create({ handlers: [Plain] }),
    HandlerRegistrationError,
    /Plain: is not decorated with @ConsumerGroup/,
  );
});

test('a valid app is created without touching the network', async () => {
  const app = await create({});
  assert.equal(app.status, 'created');
  assert.deepEqual(
    app.stats().map((s) => s.groupId),
    ['bootstrap-errors'],
  );
});
