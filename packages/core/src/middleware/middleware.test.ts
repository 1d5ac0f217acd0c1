import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageContext } from '../message.js';
import { compose, type MiddlewareFn } from './middleware.js';

const ctx = {} as MessageContext;

test('compose runs the middleware outermost first around the handler, each after and before its next()', async () => {
  const seen: string[] = [];
  const layer =
    (name: string): MiddlewareFn =>
    async (_ctx, next) => {
      seen.push(`${name} in`);
      await next();
      seen.push(`${name} out`);
    };
  await compose([layer('a'), layer('b')], async () => {
    seen.push('handler');
  })(ctx);
  assert.deepEqual(seen, ['a in', 'b in', 'handler', 'b out', 'a out']);
});

test('a middleware may call next() again once the previous call settled, also after it failed', async () => {
  let calls = 0;
  const retryOnce: MiddlewareFn = (_ctx, next) => next().catch(() => next());
  await compose([retryOnce], async () => {
    calls += 1;
    if (calls === 1) throw new Error('first attempt fails');
  })(ctx);
  assert.equal(calls, 2);
});

test('a second next() while the first has not settled rejects, and the handler runs once', async () => {
  let calls = 0;
  const twiceAtOnce: MiddlewareFn = async (_ctx, next) => {
    await Promise.all([next(), next()]);
  };
  const chain = compose([(_c, next) => next(), twiceAtOnce], async () => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  await assert.rejects(
    chain(ctx),
    /next\(\) called again before it settled: a middleware ran the handler twice at once/,
  );
  assert.equal(calls, 1);
});

test('an error of the handler, thrown or rejected, reaches the outermost middleware unchanged', async () => {
  const failure = new Error('boom');
  let caught: unknown;
  const outer: MiddlewareFn = (_ctx, next) =>
    next().catch((err) => {
      caught = err;
    });
  await compose([outer, (_c, next) => next()], () => {
    throw failure;
  })(ctx);
  assert.equal(caught, failure);
});

test('a handler that threw may run again: the guard is reset by a synchronous throw too', async () => {
  let calls = 0;
  const retryOnce: MiddlewareFn = (_ctx, next) => next().catch(() => next());
  await compose([retryOnce], () => {
    calls += 1;
    if (calls === 1) throw new Error('thrown, not rejected');
    return Promise.resolve();
  })(ctx);
  assert.equal(calls, 2);
});
