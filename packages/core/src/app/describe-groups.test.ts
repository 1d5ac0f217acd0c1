import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Consume, ConsumerGroup } from '../decorators/decorators.js';
import { TributaryApp } from './tributary-app.js';

@ConsumerGroup('billing', { ordering: 'key', concurrency: 100 })
class Billing {
  @Consume(['invoices', 'refunds'])
  async handle() {}
}

test('describeGroups: the subscription and the effective settings (defaults applied, overrides merged), without connecting', async () => {
  const app = await TributaryApp.create({
    brokers: '127.0.0.1:9',
    handlers: [Billing],
    handleSignals: false,
    logger: { level: 'silent' },
    groups: { billing: { commitIntervalMs: 250, groupInstanceId: 'billing-1' } },
  });
  const [billing] = app.describeGroups();
  assert.deepEqual(billing?.topics, ['invoices', 'refunds']);
  assert.equal(billing?.ordering, 'key');
  assert.equal(billing?.maxInFlight, 1600); // 16 per concurrent handler above 62
  assert.equal(billing?.commitIntervalMs, 250);
  assert.equal(billing?.groupInstanceId, 'billing-1');
  assert.equal(billing?.sessionTimeoutMs, 45_000);
});
