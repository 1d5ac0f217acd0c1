import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type HealthServer, startHealthServer, TributaryMetrics } from '@tributary/metrics';
import { TributaryHost } from '@tributary/nestjs';
import type { ServiceConfig } from '@tributary/notification-service';
import { SERVICE_CONFIG } from './tokens.js';

/**
 * `/metrics`, `/health/live` and `/health/ready` on `HTTP_PORT`, as apps/notification-service
 * serves them (the dashboard and `tributary lag` read them). Attached in `onModuleInit`: the global
 * TributaryModule has created the app by then and not yet started it, so no event is missed.
 */
@Injectable()
export class ObservabilityEndpoint implements OnModuleInit, OnApplicationShutdown {
  private http?: HealthServer;

  constructor(
    private readonly host: TributaryHost,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onModuleInit() {
    const metrics = new TributaryMetrics();
    metrics.attach(this.host.app);
    this.http = await startHealthServer(this.host.app, metrics, {
      port: this.config.http.port,
      host: this.config.http.host,
      info: { instance: this.config.instanceId },
    });
  }

  get port(): number | undefined {
    return this.http?.port;
  }

  async onApplicationShutdown() {
    await this.http?.close();
  }
}
