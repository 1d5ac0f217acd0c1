import { type DynamicModule, Module } from '@nestjs/common';
import { TributaryModule } from '@tributary/nestjs';
import { GROUP_ID, type ServiceConfig } from '@tributary/notification-service';
import pino from 'pino';
import { TaskNotifications } from './handlers.js';
import { infrastructureProviders } from './infrastructure.js';
import { ObservabilityEndpoint } from './observability.js';
import { ServiceMiddleware } from './service-middleware.js';

/**
 * The notification service as a Nest module: the same configuration (environment), group options,
 * middleware, metrics and health as apps/notification-service; Nest constructs everything.
 */
@Module({})
export class NotificationModule {
  static forConfig(config: ServiceConfig): DynamicModule {
    const logger = pino({
      name: 'nest-notification-service',
      level: config.logLevel,
      base: { instance: config.instanceId },
    });
    return {
      module: NotificationModule,
      imports: [
        TributaryModule.forRoot({
          brokers: config.brokers,
          logger,
          instanceId: config.instanceId,
          clientId: `notification-service-${config.instanceId}`,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
          statsIntervalMs: 1000,
          producer: true,
          middleware: [ServiceMiddleware],
          groups: {
            [GROUP_ID]: {
              concurrency: config.concurrency,
              maxInFlight: config.maxInFlight,
              sessionTimeoutMs: config.sessionTimeoutMs,
              heartbeatIntervalMs: config.heartbeatIntervalMs,
              groupProtocol: config.groupProtocol,
              ...(config.groupProtocol === 'classic' ? { rebalanceProtocol: config.rebalanceProtocol } : {}),
              ...(config.staticMembership ? { groupInstanceId: `${GROUP_ID}-${config.instanceId}` } : {}),
            },
          },
        }),
      ],
      providers: [...infrastructureProviders(config), ServiceMiddleware, TaskNotifications, ObservabilityEndpoint],
    };
  }
}
