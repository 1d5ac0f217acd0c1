import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { type IdempotencyStore, MemoryIdempotencyStore, RedisIdempotencyStore } from '@tributary/middleware';
import { NOTIFIER, notifierFor, type ServiceConfig } from '@tributary/notification-service';
import { Redis } from 'ioredis';
import { IDEMPOTENCY_STORE, SERVICE_CONFIG } from './tokens.js';

const REDIS = Symbol.for('nest-notification-service:redis');

/** Closes the Redis connection last (Nest runs `onApplicationShutdown` after the consumers stopped). */
@Injectable()
export class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}
  onApplicationShutdown() {
    this.redis?.disconnect();
  }
}

/** The notifier, Redis (when configured) and the idempotency store, from the service's config. */
export function infrastructureProviders(config: ServiceConfig): Provider[] {
  return [
    { provide: SERVICE_CONFIG, useValue: config },
    { provide: NOTIFIER, useValue: notifierFor(config) },
    {
      provide: REDIS,
      useFactory: () =>
        config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) : null,
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | null): IdempotencyStore =>
        redis ? new RedisIdempotencyStore(redis, 'notification-service:sent:') : new MemoryIdempotencyStore(),
    },
    RedisCloser,
  ];
}
