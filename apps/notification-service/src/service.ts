import 'reflect-metadata';
import { type GroupOptions, TributaryApp } from '@tributary/core';
import { type HealthServer, startHealthServer, TributaryMetrics } from '@tributary/metrics';
import {
  defaultMiddleware,
  type IdempotencyStore,
  idempotent,
  MemoryIdempotencyStore,
  RedisIdempotencyStore,
  registerProducer,
} from '@tributary/middleware';
import { Redis } from 'ioredis';
import pino from 'pino';
import { container as root } from 'tsyringe';
import type { ServiceConfig } from './config.js';
import { GROUP_ID, TaskNotifications } from './handlers.js';
import { NOTIFIER } from './notifier/notifier.js';
import { notifierFor } from './notifier/notifier-for.js';

export interface RunningService {
  app: TributaryApp;
  http: HealthServer;
  instanceId: string;
  /** Graceful: drain and commit, flush the DLQ producer, close Redis and HTTP. */
  stop(): Promise<void>;
}

/**
 * The notification service: key-ordered handlers, static membership from the instance id,
 * cooperative rebalancing, idempotency (Redis when configured), DLQ for bad events, metrics and health.
 */
export async function startNotificationService(config: ServiceConfig): Promise<RunningService> {
  const logger = pino({ name: 'notification-service', level: config.logLevel, base: { instance: config.instanceId } });
  const container = root.createChildContainer();
  container.register(NOTIFIER, { useValue: notifierFor(config) });
  const producer = registerProducer(container, {
    brokers: config.brokers,
    clientId: `notification-service-${config.instanceId}`,
    logger,
  });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false })
    : undefined;
  const store: IdempotencyStore = redis
    ? new RedisIdempotencyStore(redis, 'notification-service:sent:')
    : new MemoryIdempotencyStore();

  const group: GroupOptions = {
    concurrency: config.concurrency,
    maxInFlight: config.maxInFlight,
    sessionTimeoutMs: config.sessionTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    groupProtocol: config.groupProtocol,
    ...(config.groupProtocol === 'classic' ? { rebalanceProtocol: config.rebalanceProtocol } : {}),
    ...(config.staticMembership ? { groupInstanceId: `${GROUP_ID}-${config.instanceId}` } : {}),
  };
  const app = await TributaryApp.create({
    brokers: config.brokers,
    handlers: [TaskNotifications],
    container,
    logger,
    instanceId: config.instanceId,
    clientId: `notification-service-${config.instanceId}`,
    handleSignals: false,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    statsIntervalMs: 1000,
    groups: { [GROUP_ID]: group },
    middleware: [
      ...defaultMiddleware({
        deadLetter: { producer },
        retry: { maxAttempts: config.retryMaxAttempts, initialDelayMs: 200, maxDelayMs: 5_000 },
      }),
      // Innermost: a notification already sent (by any instance) is never sent again.
      idempotent<{ eventId: string }>({
        key: (m) => m.value.eventId,
        store,
        ttlMs: 7 * 24 * 3600_000,
        leaseMs: 60_000,
        owner: config.instanceId,
      }),
    ],
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const http = await startHealthServer(app, metrics, {
    port: config.http.port,
    host: config.http.host,
    info: { instance: config.instanceId },
    ...(config.http.controlToken ? { control: { token: config.http.controlToken, logger } } : {}),
  });
  await app.start();
  logger.info(
    {
      port: http.port,
      notifier: config.notifier.kind,
      redis: Boolean(redis),
      control: Boolean(config.http.controlToken),
    },
    'notification service started',
  );
  let stopping: Promise<void> | undefined;
  return {
    app,
    http,
    instanceId: config.instanceId,
    stop: () => {
      stopping ??= (async () => {
        await app.stop();
        await producer.disconnect();
        redis?.disconnect();
        await http.close();
        logger.info('notification service stopped');
      })();
      return stopping;
    },
  };
}
