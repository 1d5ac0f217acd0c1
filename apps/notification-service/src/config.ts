import { hostname } from 'node:os';
import { TributaryConfigError } from '@tributary/core';
import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** The service's environment, validated at start: a bad value names its variable. */
export const serviceEnvSchema = z.object({
  KAFKA_BROKERS: z.string().min(1, 'set KAFKA_BROKERS (host:port,…)'),
  INSTANCE_ID: z.string().min(1).optional(),
  HOSTNAME: z.string().optional(),
  NOTIFIER: z.enum(['console', 'file', 'webhook']).default('console'),
  NOTIFY_FILE: z.string().optional(),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_TIMEOUT_MS: int(5_000),
  NOTIFY_LATENCY_MS: int(0),
  REDIS_URL: z.string().url().optional(),
  HTTP_PORT: int(9464),
  HTTP_HOST: z.string().default('127.0.0.1'),
  /**
   * Enables POST /control/pause|resume on the health server (the dashboard's --allow-actions token).
   * Empty counts as unset (compose's `${CONTROL_TOKEN:-}` passes an empty string).
   */
  CONTROL_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(16, 'CONTROL_TOKEN must be at least 16 characters').optional(),
  ),
  CONCURRENCY: int(64),
  MAX_IN_FLIGHT: int(1000),
  SESSION_TIMEOUT_MS: int(45_000),
  HEARTBEAT_INTERVAL_MS: int(3_000),
  SHUTDOWN_TIMEOUT_MS: int(30_000),
  GROUP_PROTOCOL: z.enum(['classic', 'consumer']).default('classic'),
  REBALANCE_PROTOCOL: z.enum(['eager', 'cooperative']).default('cooperative'),
  STATIC_MEMBERSHIP: z.enum(['true', 'false']).default('true'),
  RETRY_MAX_ATTEMPTS: int(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServiceConfig {
  brokers: string;
  instanceId: string;
  notifier: { kind: 'console' | 'file' | 'webhook'; file?: string; url?: string; timeoutMs: number; latencyMs: number };
  redisUrl?: string;
  http: { port: number; host: string; controlToken?: string };
  concurrency: number;
  maxInFlight: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  shutdownTimeoutMs: number;
  groupProtocol: 'classic' | 'consumer';
  rebalanceProtocol: 'eager' | 'cooperative';
  staticMembership: boolean;
  retryMaxAttempts: number;
  logLevel: string;
}

export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const result = serviceEnvSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TributaryConfigError(String(issue?.path[0] ?? 'env'), issue?.message ?? 'invalid');
  }
  const e = result.data;
  if (e.NOTIFIER === 'file' && !e.NOTIFY_FILE)
    throw new TributaryConfigError('NOTIFY_FILE', 'required with NOTIFIER=file');
  if (e.NOTIFIER === 'webhook' && !e.WEBHOOK_URL)
    throw new TributaryConfigError('WEBHOOK_URL', 'required with NOTIFIER=webhook');
  return {
    brokers: e.KAFKA_BROKERS,
    instanceId: e.INSTANCE_ID ?? e.HOSTNAME ?? hostname(),
    notifier: {
      kind: e.NOTIFIER,
      file: e.NOTIFY_FILE,
      url: e.WEBHOOK_URL,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      latencyMs: e.NOTIFY_LATENCY_MS,
    },
    redisUrl: e.REDIS_URL,
    http: { port: e.HTTP_PORT, host: e.HTTP_HOST, ...(e.CONTROL_TOKEN ? { controlToken: e.CONTROL_TOKEN } : {}) },
    concurrency: e.CONCURRENCY,
    maxInFlight: e.MAX_IN_FLIGHT,
    sessionTimeoutMs: e.SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    groupProtocol: e.GROUP_PROTOCOL,
    rebalanceProtocol: e.REBALANCE_PROTOCOL,
    staticMembership: e.STATIC_MEMBERSHIP === 'true',
    retryMaxAttempts: Math.max(1, e.RETRY_MAX_ATTEMPTS),
    logLevel: e.LOG_LEVEL,
  };
}
