import type { InjectionToken } from 'tsyringe';
import type { Resolver } from '../app/resolver.js';
import type { MessageContext } from '../message.js';

export type Next = () => Promise<void>;

/** Koa-style: run code before/after `next()`, skip it to short-circuit, catch to turn an error into an outcome. */
export type MiddlewareFn = (ctx: MessageContext, next: Next) => Promise<void>;

/** A middleware class resolved from the app's resolver (the DI container) (so it can inject a Redis client, a producer…). */
export interface MiddlewareClass {
  handle(ctx: MessageContext, next: Next): Promise<void>;
}

export type MiddlewareLike = MiddlewareFn | InjectionToken<MiddlewareClass>;

function isMiddlewareClass(m: unknown): m is new (...args: any[]) => MiddlewareClass {
  return typeof m === 'function' && typeof (m as { prototype?: MiddlewareClass }).prototype?.handle === 'function';
}

/** Turns functions and injectable classes into plain functions, resolving classes once, at bootstrap. */
export function resolveMiddleware(list: readonly unknown[], resolver: Resolver, where: string): MiddlewareFn[] {
  return list.map((m, i) => {
    if (isMiddlewareClass(m)) {
      const instance = resolver.resolve(m);
      return (ctx, next) => instance.handle(ctx, next);
    }
    if (typeof m === 'function') return m as MiddlewareFn;
    if (m && typeof (m as MiddlewareClass).handle === 'function') {
      const instance = m as MiddlewareClass;
      return (ctx, next) => instance.handle(ctx, next);
    }
    throw new TypeError(
      `${where}[${i}] is not a middleware: expected (ctx, next) => Promise<void> or a class with handle()`,
    );
  });
}

/**
 * Composes middleware around `handler`, first = outermost. A middleware may call `next()` again
 * after the previous call settled (that is how retry works), but never twice at once: a
 * concurrent second call is a bug that would run the handler twice in parallel, so it rejects.
 */
export function compose(middleware: readonly MiddlewareFn[], handler: (ctx: MessageContext) => Promise<void>) {
  return (ctx: MessageContext): Promise<void> => {
    const dispatch = (i: number): Promise<void> => {
      const fn = middleware[i];
      if (!fn) return handler(ctx);
      let running = false;
      const next: Next = () => {
        if (running) return Promise.reject(new Error(`next() called again before it settled (middleware #${i})`));
        running = true;
        return dispatch(i + 1).finally(() => {
          running = false;
        });
      };
      try {
        return Promise.resolve(fn(ctx, next));
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  };
}
