import { ContextIdFactory, type DiscoveryService, type ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { type AnyContext, HandlerRegistrationError, type Resolvable, type Resolver } from '@tributary/core';

type ContextId = ReturnType<typeof ContextIdFactory.create>;

/** A message's context, or a batch's (`@ConsumeBatch`): what REQUEST is in its sub-tree. */
const isMessageContext = (v: unknown): v is AnyContext =>
  typeof v === 'object' && v !== null && ('message' in v || 'messages' in v) && 'signal' in v;

/**
 * Resolves handler and middleware classes from Nest's container, with Nest's scopes:
 * - a singleton (default scope, static dependency tree): the instance Nest built;
 * - a transient provider: one instance of its own, resolved on first use;
 * - a request-scoped one (or one depending on a request-scoped provider): a new instance per
 *   message (a batch handler's: per batch), in a DI sub-tree of its own in which `@Inject(REQUEST)` is
 *   the message's `MessageContext` (the batch's `BatchContext`) — the middleware and the handler of one
 *   message share that sub-tree.
 * A class that no module provides fails at bootstrap, naming it.
 */
export class NestResolver implements Resolver {
  private readonly wrappers = new Map<Function, InstanceWrapper>();
  private readonly contexts = new WeakMap<AnyContext, ContextId>();

  constructor(
    private readonly moduleRef: ModuleRef,
    discovery: DiscoveryService,
  ) {
    for (const wrapper of discovery.getProviders()) {
      if (typeof wrapper.metatype === 'function' && wrapper.metatype === wrapper.token) {
        this.wrappers.set(wrapper.metatype, wrapper);
      }
    }
  }

  /** The providers whose class satisfies `predicate` (how the module finds `@ConsumerGroup` classes). */
  classes(predicate: (cls: Function) => boolean): Function[] {
    return [...this.wrappers.keys()].filter(predicate);
  }

  resolve<T>(cls: Resolvable<T>): T {
    const wrapper = this.wrappers.get(cls);
    if (!wrapper) {
      throw new HandlerRegistrationError(
        cls.name,
        "is not a Nest provider: add it to a module's `providers` (with @tributary/nestjs, Nest constructs handler and middleware classes)",
      );
    }
    if (wrapper.isDependencyTreeStatic() && !wrapper.isTransient) {
      return this.moduleRef.get(cls, { strict: false });
    }
    if (wrapper.isDependencyTreeStatic()) {
      let instance: Promise<T> | undefined;
      return this.forward(cls, () => {
        instance ??= this.moduleRef.resolve(cls, undefined, { strict: false });
        return instance;
      });
    }
    return this.forward(cls, (args) => this.perMessage(cls, args));
  }

  /** A stand-in whose methods resolve the real instance (`instanceFor`) and call it with the same arguments. */
  private forward<T>(cls: Resolvable<T>, instanceFor: (args: unknown[]) => Promise<T>): T {
    const methods: Record<string | symbol, unknown> = {};
    for (const name of methodNames(cls.prototype)) {
      methods[name] = async (...args: unknown[]) => {
        const instance = (await instanceFor(args)) as Record<string | symbol, (...a: unknown[]) => unknown>;
        return instance[name]?.(...args);
      };
    }
    return methods as T;
  }

  private perMessage<T>(cls: Resolvable<T>, args: unknown[]): Promise<T> {
    const ctx = args.find(isMessageContext);
    let contextId = ctx ? this.contexts.get(ctx) : undefined;
    if (!contextId) {
      contextId = ContextIdFactory.create();
      // A partition hook has no message: its sub-tree's REQUEST is what it was called with.
      this.moduleRef.registerRequestByContextId(ctx ?? { partitions: args[0] }, contextId);
      if (ctx) this.contexts.set(ctx, contextId);
    }
    return this.moduleRef.resolve(cls, contextId, { strict: false });
  }
}

function methodNames(prototype: object): (string | symbol)[] {
  const names = new Set<string | symbol>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Reflect.ownKeys(p)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)?.value === 'function')
        names.add(name);
    }
  }
  return [...names];
}
