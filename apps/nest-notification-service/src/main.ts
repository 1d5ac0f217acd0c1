#!/usr/bin/env node
/**
 * `node apps/nest-notification-service/dist/main.js`: configured by the same environment variables
 * as apps/notification-service. Nest owns the signals (`enableShutdownHooks`): on SIGTERM/SIGINT it
 * runs `beforeApplicationShutdown` (Tributary drains, commits and leaves), then
 * `onApplicationShutdown` (producer, Redis, HTTP), then re-raises the signal, so a graceful stop ends
 * with the process killed by that signal, as every Nest application does.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadServiceConfig } from '@tributary/notification-service';
import { NotificationModule } from './app.module.js';

async function main() {
  let config: ReturnType<typeof loadServiceConfig>;
  try {
    config = loadServiceConfig();
  } catch (err) {
    process.stderr.write(`nest-notification-service: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await NestFactory.createApplicationContext(NotificationModule.forConfig(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
}

main().catch((err) => {
  process.stderr.write(`nest-notification-service failed: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
