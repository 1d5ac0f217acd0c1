import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Logger, LoggerOptions } from 'pino';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { resolveGroupOptions } from '../config/group-options.js';
import { type AppConfigInput, appConfigSchema, groupOptionsSchema } from '../config/schema.js';
import { validateConfig } from '../config/validate.js';
import { TributaryConfigError } from '../errors.js';
import type { TributaryEvents } from '../events.js';
import { createLogger, redactConfig } from '../logger.js';
import { type MiddlewareLike, resolveMiddleware } from '../middleware/middleware.js';
import { GroupConsumer, type GroupStats } from '../runtime/group-consumer.js';
import { scanHandlers } from './scan.js';

/** `TributaryApp.create` options; the schema validates them, these types guide the editor. */
export type TributaryAppConfig = Omit<AppConfigInput, 'handlers' | 'middleware' | 'container' | 'logger'> & {
  /** Classes decorated with `@ConsumerGroup`. */
  handlers: Function[];
  middleware?: MiddlewareLike[];
  container?: DependencyContainer;
  logger?: Logger | LoggerOptions;
};

/**
 * The application: one Kafka consumer per consumer group found on the handler classes.
 * `create` validates everything (config, decorators, DI) and fails fast; `start` connects;
 * `stop` drains, commits and leaves. SIGTERM/SIGINT stop it once, gracefully.
 */
export class TributaryApp {
  readonly events = new EventEmitter<TributaryEvents>();
  private readonly groups: GroupConsumer[];
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';
  private stopPromise?: Promise<void>;
  private readonly signalHandler = (signal: NodeJS.Signals) => this.onSignal(signal);

  private constructor(
    groups: (events: EventEmitter<TributaryEvents>) => GroupConsumer[],
    readonly logger: Logger,
    private readonly shutdownTimeoutMs: number,
    private readonly handleSignals: boolean,
  ) {
    // Listeners may be many (metrics, logging, dashboards, tests): no leak warning for them.
    this.events.setMaxListeners(0);
    this.groups = groups(this.events);
  }

  static async create(config: TributaryAppConfig): Promise<TributaryApp> {
    const parsed = validateConfig(appConfigSchema, config, '');
    const brokersOption = parsed.brokers ?? process.env.KAFKA_BROKERS;
    const brokers = Array.isArray(brokersOption) ? brokersOption.join(',') : brokersOption?.trim();
    if (!brokers) {
      throw new TributaryConfigError('brokers', 'no brokers: pass `brokers` ("host:port,…") or set KAFKA_BROKERS');
    }
    for (const [groupId, overrides] of Object.entries(parsed.groups ?? {})) {
      validateConfig(groupOptionsSchema, overrides, `groups.${groupId}`);
    }
    const container: DependencyContainer = parsed.container ?? rootContainer;
    const logger = createLogger(parsed.logger, parsed.logPayloads);
    const definitions = scanHandlers(parsed.handlers, container);
    const unknownOverrides = Object.keys(parsed.groups ?? {}).filter(
      (id) => !definitions.some((d) => d.groupId === id),
    );
    if (unknownOverrides.length > 0) {
      throw new TributaryConfigError(
        `groups.${unknownOverrides[0]}`,
        `no handler class uses consumer group "${unknownOverrides[0]}"`,
      );
    }
    const appMiddleware = resolveMiddleware(parsed.middleware ?? [], container, 'middleware');
    const clientId = parsed.clientId ?? `tributary-${parsed.instanceId ?? hostname()}`;
    const groupLogger = logger.child(parsed.instanceId ? { instance: parsed.instanceId } : {});
    const build = (events: EventEmitter<TributaryEvents>) =>
      definitions.map((definition) => {
        const options = resolveGroupOptions({ ...definition.options, ...parsed.groups?.[definition.groupId] });
        if (options.groupProtocol === 'consumer' && options.rebalanceProtocol === 'eager') {
          throw new TributaryConfigError(
            `groups.${definition.groupId}.rebalanceProtocol`,
            "'eager' cannot be combined with groupProtocol 'consumer' (KIP-848 is always incremental)",
          );
        }
        groupLogger.debug(
          { group: definition.groupId, options: redactConfig(options.rdkafka) },
          'consumer group configured',
        );
        return new GroupConsumer(definition, options, {
          brokers,
          clientId,
          container,
          appMiddleware,
          appRdkafka: parsed.rdkafka ?? {},
          statsIntervalMs: parsed.statsIntervalMs ?? 0,
          events,
          logger: groupLogger,
        });
      });
    return new TributaryApp(build, logger, parsed.shutdownTimeoutMs ?? 30_000, parsed.handleSignals ?? true);
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`TributaryApp.start() called when ${this.state}`);
    this.state = 'starting';
    if (this.handleSignals) {
      process.once('SIGTERM', this.signalHandler);
      process.once('SIGINT', this.signalHandler);
    }
    try {
      await Promise.all(this.groups.map((g) => g.start()));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.state = 'running';
    this.logger.info({ groups: this.groups.map((g) => g.groupId) }, 'tributary started');
  }

  /** Stops every group gracefully; safe to call more than once (later calls await the first). */
  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.state = 'stopping';
      process.off('SIGTERM', this.signalHandler);
      process.off('SIGINT', this.signalHandler);
      await Promise.all(this.groups.map((g) => g.stop(this.shutdownTimeoutMs)));
      this.state = 'stopped';
      this.logger.info('tributary stopped');
    })();
    return this.stopPromise;
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.logger.info({ signal }, 'signal received: stopping gracefully');
    this.stop().then(
      () => process.exit(0),
      (err) => {
        this.logger.error({ err }, 'graceful stop failed');
        process.exit(1);
      },
    );
  }

  get status() {
    return this.state;
  }

  stats(): GroupStats[] {
    return this.groups.map((g) => g.snapshot());
  }
}
