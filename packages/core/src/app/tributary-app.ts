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
import { createLogger, flushLogger, redactConfig } from '../logger.js';
import { type MiddlewareLike, resolveMiddleware } from '../middleware/middleware.js';
import { withMiddlewareTopics } from '../middleware/middleware-topics.js';
import type { TopicPartition } from '../model/topic-partition.js';
import { GroupConsumer, type GroupDescription, type GroupStats } from '../runtime/group-consumer.js';
import { ControlError, type PartitionSelector, type SeekRequest } from '../runtime/partition-control.js';
import { assessReadiness, type Readiness } from './readiness.js';
import { type Resolver, tsyringeResolver } from './resolver.js';
import { scanHandlers } from './scan.js';
import { runShutdown, type ShutdownHook } from './shutdown.js';

/** `TributaryApp.create` options; the schema validates them, these types guide the editor. */
export type TributaryAppConfig = Omit<
  AppConfigInput,
  'handlers' | 'middleware' | 'container' | 'resolver' | 'logger' | 'onShutdown'
> & {
  /** Classes decorated with `@ConsumerGroup`. */
  handlers: Function[];
  middleware?: MiddlewareLike[];
  /** Handlers and middleware are resolved from a child of this container (default: tsyringe's root). */
  container?: DependencyContainer;
  /**
   * Instead of `container`: where handler and middleware classes come from (`@tributary/nestjs`
   * passes Nest's container). The app calls its `dispose()`, if any, at stop.
   */
  resolver?: Resolver;
  logger?: Logger | LoggerOptions;
  /** Awaited in order after every group stopped, before the process exits; bounded by `shutdownTimeoutMs`. */
  onShutdown?: ShutdownHook | ShutdownHook[];
};

interface AppSettings {
  resolver: Resolver;
  shutdownTimeoutMs: number;
  handleSignals: boolean;
  onShutdown: ShutdownHook[];
}

/**
 * The application: one Kafka consumer per consumer group found on the handler classes.
 * `create` validates everything (config, decorators, DI) and fails fast; `start` connects and
 * checks the subscribed topics exist; `stop` drains, commits and leaves, then runs the shutdown
 * hooks and disposes the app's container. SIGTERM/SIGINT stop it once, gracefully, then exit.
 */
/** After a signal's stop, how much longer a consumer whose close was cut short may take to close. */
const EXIT_CLOSE_WAIT_MS = 5_000;

const closedOrAfter = (closed: Promise<void>, ms: number) =>
  Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

export class TributaryApp {
  readonly events = new EventEmitter<TributaryEvents>();
  private readonly groups: GroupConsumer[];
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';
  private stopPromise?: Promise<boolean>;
  private readonly signalHandler = (signal: NodeJS.Signals) => this.onSignal(signal);
  /** Groups that have had an assignment since start: readiness needs one. */
  private readonly joined = new Set<string>();

  private constructor(
    groups: (events: EventEmitter<TributaryEvents>) => GroupConsumer[],
    readonly logger: Logger,
    private readonly settings: AppSettings,
  ) {
    // Listeners may be many (metrics, logging, dashboards, tests): no leak warning for them.
    this.events.setMaxListeners(0);
    this.groups = groups(this.events);
    this.events.on('partitions.assigned', (e) => this.joined.add(e.groupId));
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
    if (parsed.container && parsed.resolver) {
      throw new TributaryConfigError('resolver', 'pass either `container` or `resolver`, not both');
    }
    // A child the app owns: stop() disposes what it constructed, and the caller's container stays usable.
    const resolver: Resolver =
      (parsed.resolver as Resolver | undefined) ??
      tsyringeResolver(((parsed.container as DependencyContainer | undefined) ?? rootContainer).createChildContainer());
    const logger = createLogger(parsed.logger, parsed.logPayloads);
    const definitions = scanHandlers(parsed.handlers, resolver);
    const unknownOverrides = Object.keys(parsed.groups ?? {}).filter(
      (id) => !definitions.some((d) => d.groupId === id),
    );
    if (unknownOverrides.length > 0) {
      throw new TributaryConfigError(
        `groups.${unknownOverrides[0]}`,
        `no handler class uses consumer group "${unknownOverrides[0]}"`,
      );
    }
    const appMiddleware = resolveMiddleware(parsed.middleware ?? [], resolver, 'middleware');
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
        // Topics the middleware needs (retry topics) are consumed by the handler they serve.
        const routed = withMiddlewareTopics(definition, options.middleware, appMiddleware);
        return new GroupConsumer(routed, options, {
          brokers,
          clientId,
          resolver,
          appMiddleware,
          appRdkafka: parsed.rdkafka ?? {},
          statsIntervalMs: parsed.statsIntervalMs ?? 0,
          events,
          logger: groupLogger,
        });
      });
    return new TributaryApp(build, logger, {
      resolver,
      shutdownTimeoutMs: parsed.shutdownTimeoutMs ?? 30_000,
      handleSignals: parsed.handleSignals ?? true,
      onShutdown: [parsed.onShutdown ?? []].flat() as ShutdownHook[],
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`TributaryApp.start() called when ${this.state}`);
    this.state = 'starting';
    if (this.settings.handleSignals) {
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

  /**
   * Stops every group gracefully, then emits `stopping`, awaits the `onShutdown` hooks and
   * disposes the app's container (those two within `shutdownTimeoutMs`). Safe to call more than
   * once (later calls await the first).
   */
  stop(): Promise<void> {
    return this.shutdown().then(() => undefined);
  }

  /** Resolves `false` when a shutdown hook or the container's disposal failed or ran out of time. */
  private shutdown(signal?: NodeJS.Signals): Promise<boolean> {
    this.stopPromise ??= (async () => {
      this.state = 'stopping';
      process.off('SIGTERM', this.signalHandler);
      process.off('SIGINT', this.signalHandler);
      const { shutdownTimeoutMs, onShutdown, resolver } = this.settings;
      // The hooks run even when a group failed to stop: they release what the app holds.
      const groupsStopped = Promise.all(this.groups.map((g) => g.stop(shutdownTimeoutMs)));
      const groupsError = await groupsStopped.then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      this.events.emit('stopping', { signal });
      const clean = await runShutdown(onShutdown, resolver, shutdownTimeoutMs, this.logger);
      this.state = 'stopped';
      this.logger.info('tributary stopped');
      await flushLogger(this.logger);
      if (groupsError) throw groupsError.err;
      return clean;
    })();
    return this.stopPromise;
  }

  /**
   * Resolves once every consumer has closed natively. `stop()` waits for a close at most for what is
   * left of `shutdownTimeoutMs`; one cut short (an unreachable coordinator) goes on in the background
   * and may still need the event loop (librdkafka's last rebalance callback), so a process should
   * not exit before this resolves, or give it a bound.
   */
  whenClosed(): Promise<void> {
    return Promise.all(this.groups.map((g) => g.whenClosed())).then(() => undefined);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.logger.info({ signal }, 'signal received: stopping gracefully');
    this.shutdown(signal).then(
      // Exiting while a native close is still running can hang the process for good (the close may
      // wait for a callback only this event loop can run): give it a little longer first.
      (clean) => closedOrAfter(this.whenClosed(), EXIT_CLOSE_WAIT_MS).then(() => process.exit(clean ? 0 : 1)),
      (err) => {
        this.logger.error({ err }, 'graceful stop failed');
        process.exit(1);
      },
    );
  }

  get status() {
    return this.state;
  }

  /**
   * Ready = running, every subscribed topic exists, every group joined (an assignment seen) and
   * polled within `stuckAfterMs` (default 30 s); `reason` says what is missing. `/health/ready` and
   * `@tributary/nestjs`'s health indicator both answer from this.
   */
  readiness(options: { stuckAfterMs?: number } = {}): Readiness {
    return assessReadiness(this.state, this.stats(), this.joined, options.stuckAfterMs ?? 30_000);
  }

  /**
   * Stops fetching `topic` (or one partition of it) in `group` until `resume`: messages already in
   * memory are still handled and committed; partitions of it assigned later are held too. Returns
   * the owned partitions it applied to now. Emits `control.paused`.
   */
  pause(request: { group: string } & PartitionSelector): TopicPartition[] {
    const { group, ...selector } = request;
    return this.group(group).control.pause(selector);
  }

  /** Ends a `pause` (backpressure may still hold a partition for room). Emits `control.resumed`. */
  resume(request: { group: string } & PartitionSelector): TopicPartition[] {
    const { group, ...selector } = request;
    return this.group(group).control.resume(selector);
  }

  /**
   * Moves an owned partition to `offset` (or the first offset at/after `timestamp`): its queued
   * messages are dropped, running ones finish, then consumption restarts at the target and the
   * target is committed at once — backwards (a rewind: messages are handled again, logged as a
   * warning) or forwards (the messages in between are skipped). Emits `control.seeked`.
   * Rejects with `ControlError` when this member does not own the partition.
   */
  async seek(request: { group: string } & SeekRequest): Promise<{ from?: number; to: number }> {
    const { group, ...rest } = request;
    return this.group(group).control.seek(rest as SeekRequest);
  }

  private group(groupId: string): GroupConsumer {
    const found = this.groups.find((g) => g.groupId === groupId);
    if (!found) {
      throw new ControlError(
        `no consumer group "${groupId}" in this app (it has ${this.groups.map((g) => `"${g.groupId}"`).join(', ')})`,
      );
    }
    return found;
  }

  /** Each group's subscription and effective settings (defaults applied, overrides merged). */
  describeGroups(): GroupDescription[] {
    return this.groups.map((g) => g.describe());
  }

  /** Each group's counters; `{ keys: n }` adds its key lanes (lists of `n`: oldest, retrying, hottest). */
  stats(options: { keys?: number } = {}): GroupStats[] {
    return this.groups.map((g) => g.snapshot(options.keys));
  }
}
