/** The validated `ServiceConfig` (apps/notification-service's environment schema). */
export const SERVICE_CONFIG = Symbol.for('nest-notification-service:config');
/** Where sent notifications are remembered: Redis when `REDIS_URL` is set, else memory. */
export const IDEMPOTENCY_STORE = Symbol.for('nest-notification-service:idempotency-store');
