import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { container } from 'tsyringe';
import { tsyringeResolver } from '../app/resolver.js';
import { scanHandlers } from '../app/scan.js';
import { Consume, ConsumerGroup, UseMiddleware } from '../decorators/decorators.js';
import { HandlerRegistrationError } from '../errors.js';
import { HandlerRouter } from '../model/handler-routing.js';
import { composeHandlerChains } from './handler-chains.js';
import type { MiddlewareFn } from './middleware.js';
import { MIDDLEWARE_TOPICS, type MiddlewareTopics, withMiddlewareTopics } from './middleware-topics.js';

const resolver = () => tsyringeResolver(container.createChildContainer());
const scan = (...classes: Function[]) => scanHandlers(classes, resolver());

/** A pass-through middleware declaring `<topic>.extra` in partition ordering. */
function declaring(suffix = 'extra'): MiddlewareFn {
  const fn: MiddlewareFn = (_ctx, next) => next();
  const topicsFor: MiddlewareTopics = (topic) => [{ topic: `${topic}.${suffix}`, ordering: 'partition' }];
  return Object.assign(fn, { [MIDDLEWARE_TOPICS]: topicsFor });
}

test("declared topics go to the same handler (one chain), in the declared ordering; the handler's own keep theirs", () => {
  @ConsumerGroup('g', { ordering: 'key' })
  class Orders {
    @Consume({ topic: 'orders', ordering: 'key' })
    async onOrder() {}
    @Consume('audit')
    @UseMiddleware(declaring('own'))
    async onAudit() {}
    @Consume(/^payments\..+/)
    async onPayment() {}
  }
  const [group] = scan(Orders);
  assert.ok(group);
  const routed = withMiddlewareTopics(group, [], [declaring()]);
  assert.deepEqual(
    [...routed.handlersByTopic.keys()],
    ['orders', 'audit', '^payments\\..+', 'orders.extra', 'audit.extra', 'audit.own'],
    'app middleware serves every handler, @UseMiddleware its own; a pattern declares nothing',
  );
  const router = new HandlerRouter(routed);
  assert.equal(router.get('orders.extra')?.name, 'Orders.onOrder');
  assert.equal(router.get('orders.extra')?.ordering, 'partition');
  assert.equal(router.get('orders')?.ordering, 'key');
  assert.equal(router.get('audit.own')?.name, 'Orders.onAudit');
  const chains = composeHandlerChains(routed, [], [], resolver());
  assert.deepEqual([...chains.keys()], ['Orders.onOrder', 'Orders.onAudit', 'Orders.onPayment']);
  assert.equal(group.handlersByTopic.size, 3, 'the scanned definition is left as it was');
});

test('without a declaring middleware the definition is returned as it is', () => {
  @ConsumerGroup('g')
  class Plain {
    @Consume('orders')
    async on() {}
  }
  const [group] = scan(Plain);
  assert.ok(group);
  assert.equal(withMiddlewareTopics(group, [(_c: unknown, n: () => Promise<void>) => n()], []), group);
});

test('a declared topic that another handler consumes, or that its pattern matches, fails naming both', () => {
  @ConsumerGroup('g')
  class Clash {
    @Consume('orders')
    async onOrder() {}
    @Consume('orders.extra')
    async onExtra() {}
  }
  const [clash] = scan(Clash);
  assert.ok(clash);
  assert.throws(
    () => withMiddlewareTopics(clash, [declaring()], []),
    (err: unknown) =>
      err instanceof HandlerRegistrationError &&
      /Clash\.onExtra and Clash\.onOrder: topic "orders\.extra" \(needed by Clash\.onOrder's middleware for "orders"\)/.test(
        err.message,
      ),
  );
  @ConsumerGroup('g2')
  class Pattern {
    @Consume('orders')
    async onOrder() {}
    @Consume(/^.+\.extra$/)
    async onAnyExtra() {}
  }
  const [pattern] = scan(Pattern);
  assert.ok(pattern);
  assert.throws(
    () => withMiddlewareTopics(pattern, [], [declaring()]),
    (err: unknown) =>
      err instanceof HandlerRegistrationError && /Pattern\.onOrder and Pattern\.onAnyExtra/.test(err.message),
  );
});
