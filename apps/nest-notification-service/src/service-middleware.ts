import { Inject, Injectable } from '@nestjs/common';
import { compose, type MessageContext, type MiddlewareClass, type MiddlewareFn, type Next } from '@tributary/core';
import { defaultMiddleware, type IdempotencyStore, idempotent, TributaryProducer } from '@tributary/middleware';
import type { ServiceConfig } from '@tributary/notification-service';
import { IDEMPOTENCY_STORE, SERVICE_CONFIG } from './tokens.js';

/**
 * The service's middleware as one Nest-injected class (Nest constructs it with the module's
 * producer and the idempotency store): logging → tracing → dead letter → retry, then — innermost —
 * a notification already sent, by any instance, is never sent again. The same stack, in the same
 * order, as apps/notification-service.
 */
@Injectable()
export class ServiceMiddleware implements MiddlewareClass {
  private readonly stack: MiddlewareFn[];

  constructor(
    producer: TributaryProducer,
    @Inject(IDEMPOTENCY_STORE) store: IdempotencyStore,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.stack = [
      ...defaultMiddleware({
        deadLetter: { producer },
        retry: { maxAttempts: config.retryMaxAttempts, initialDelayMs: 200, maxDelayMs: 5_000 },
      }),
      idempotent<{ eventId: string }>({
        key: (m) => m.value.eventId,
        store,
        ttlMs: 7 * 24 * 3600_000,
        leaseMs: 60_000,
        owner: config.instanceId,
      }),
    ];
  }

  handle(ctx: MessageContext, next: Next): Promise<void> {
    return compose(this.stack, () => next())(ctx);
  }
}
