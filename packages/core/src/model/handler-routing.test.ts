import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { container } from 'tsyringe';
import { tsyringeResolver } from '../app/resolver.js';
import { scanHandlers } from '../app/scan.js';
import { Consume, ConsumerGroup } from '../decorators/decorators.js';
import { HandlerRegistrationError, TributaryConfigError } from '../errors.js';
import { HandlerRouter } from './handler-routing.js';

const scan = (...classes: Function[]) => scanHandlers(classes, tsyringeResolver(container.createChildContainer()));

test('a topic goes to its own handler, else to the first pattern that matches; a miss is undefined', () => {
  @ConsumerGroup('g')
  class Orders {
    @Consume('orders.audit')
    async audit() {}
    @Consume({ topic: /^orders\.(eu|us)$/ })
    async regional() {}
    @Consume('^payments\\..+')
    async payments() {}
  }
  const [group] = scan(Orders);
  const router = new HandlerRouter(group as never);
  assert.equal(router.hasPatterns, true);
  assert.equal(router.get('orders.audit')?.name, 'Orders.audit');
  assert.equal(router.get('orders.eu')?.name, 'Orders.regional');
  assert.equal(router.get('payments.card')?.name, 'Orders.payments');
  assert.equal(router.get('orders.asia'), undefined);
  assert.deepEqual(
    [...(group?.handlersByTopic.keys() ?? [])],
    ['orders.audit', '^orders\\.(eu|us)$', '^payments\\..+'],
  );
});

test('overlaps: a topic of its own that a pattern matches fails at scan; two patterns on an existing topic fail naming both', () => {
  @ConsumerGroup('g1')
  class Clash {
    @Consume('orders.eu')
    async own() {}
    @Consume(/^orders\..+/)
    async all() {}
  }
  assert.throws(
    () => scan(Clash),
    (err: unknown) =>
      err instanceof HandlerRegistrationError &&
      /Clash\.own and Clash\.all: both consume topic "orders\.eu"/.test(err.message),
  );
  @ConsumerGroup('g2')
  class TwoPatterns {
    @Consume(/^orders\..+/)
    async all() {}
    @Consume(/^.*\.eu$/)
    async eu() {}
  }
  const [group] = scan(TwoPatterns);
  const ambiguous: string[][] = [];
  const router = new HandlerRouter(group as never, (_topic, names) => ambiguous.push(names));
  router.checkOverlaps(['orders.us', 'billing.eu']);
  assert.throws(() => router.checkOverlaps(['orders.eu']), /TwoPatterns\.all and TwoPatterns\.eu/);
  assert.equal(router.get('orders.eu')?.name, 'TwoPatterns.all', 'a topic created later: the first pattern');
  assert.deepEqual(ambiguous, [['TwoPatterns.all', 'TwoPatterns.eu']]);
});

test('a pattern must be anchored and take no flags (librdkafka subscribes by regex only then)', () => {
  for (const [pattern, problem] of [
    [/orders/, /must start with \^/],
    [/^orders/i, /takes no flags/],
  ] as const) {
    @ConsumerGroup('g3')
    class Bad {
      @Consume(pattern)
      async on() {}
    }
    assert.throws(
      () => scan(Bad),
      (err: unknown) => err instanceof HandlerRegistrationError && problem.test(err.message),
    );
  }
  assert.ok(TributaryConfigError);
});
