#!/usr/bin/env node
/**
 * `node apps/notification-service/dist/main.js` — configured by environment variables (see
 * config.ts and the README). SIGTERM/SIGINT stop it gracefully, once.
 */
import { loadServiceConfig } from './config.js';
import { startNotificationService } from './service.js';

async function main() {
  let config: ReturnType<typeof loadServiceConfig>;
  try {
    config = loadServiceConfig();
  } catch (err) {
    process.stderr.write(`notification-service: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const service = await startNotificationService(config);
  const shutdown = (signal: string) => {
    service.app.logger.info({ signal }, 'stopping gracefully');
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.app.logger.error({ err }, 'graceful stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`notification-service failed: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
