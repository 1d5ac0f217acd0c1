import type { ResolvedGroupOptions } from '../config/group-options.js';
import { TributaryConfigError } from '../errors.js';

/**
 * The fetch tuning every consumer gets (an app's or group's `rdkafka` entries win). Exported so a
 * comparison with the raw client can give it the same settings (the benchmark's "tuned raw").
 */
export const TRIBUTARY_RDKAFKA_DEFAULTS = {
  // librdkafka keeps one fetch in flight per broker; a partition resumed after backpressure waits
  // for it, and the broker holds it this long when the other partitions are caught up. 500 ms
  // (librdkafka's default) made a paused-and-resumed partition stand still up to half a second:
  // defaults, 1 ms handler, 24,000-message backlog: 2,000 → 7,000 msgs/s.
  'fetch.wait.max.ms': 100,
  // Tributary buffers in its own pipeline (maxInFlight): librdkafka's prefetch only has to bridge a
  // few fetches. Its defaults (64 MiB, and a 1 s pause of a partition's fetching whenever that is
  // exceeded) cost native memory that grew with the backlog (+40 MB) and left the fetcher idle
  // for most of each second on a backlog (no-op handler: ~160,000 → ~200,000 msgs/s).
  'queued.max.messages.kbytes': 8192,
  'fetch.queue.backoff.ms': 100,
} as const;

/** librdkafka properties of a group's consumer. Explicit `rdkafka` entries win over ours. */
export function consumerConfig(
  groupId: string,
  brokers: string,
  clientId: string,
  o: ResolvedGroupOptions,
  appRdkafka: Record<string, string | number | boolean>,
  statsIntervalMs: number,
  patterns = false,
): Record<string, string | number | boolean> {
  const config: Record<string, string | number | boolean> = {
    'bootstrap.servers': brokers,
    'group.id': groupId,
    'client.id': clientId,
    // Commits are ours: only offsets whose predecessors all finished.
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'session.timeout.ms': o.sessionTimeoutMs,
    'max.poll.interval.ms': o.maxPollIntervalMs,
    ...TRIBUTARY_RDKAFKA_DEFAULTS,
    log_level: 4,
  };
  if (o.groupProtocol === 'consumer') {
    // KIP-848: the broker assigns, incrementally; session and heartbeat are the broker's settings.
    config['group.protocol'] = 'consumer';
    delete config['session.timeout.ms'];
  } else {
    config['partition.assignment.strategy'] =
      o.rebalanceProtocol === 'cooperative' ? 'cooperative-sticky' : 'range,roundrobin';
    if (o.heartbeatIntervalMs) config['heartbeat.interval.ms'] = o.heartbeatIntervalMs;
  }
  if (o.groupInstanceId) config['group.instance.id'] = o.groupInstanceId;
  if (statsIntervalMs > 0) config['statistics.interval.ms'] = statsIntervalMs;
  // A pattern subscription sees topics created later at the next metadata refresh: librdkafka's
  // 5 minutes (Kafka's metadata.max.age.ms) is long to wait for a topic someone just created.
  if (patterns) config['topic.metadata.refresh.interval.ms'] = 30_000;
  return { ...config, ...appRdkafka, ...o.rdkafka };
}

/**
 * librdkafka rejects unknown or invalid properties when the client is created (that is, at
 * bootstrap): turn its message into the typed error that names the key.
 */
export function asConfigError(error: Error): Error {
  const match = /property:?\s*"([^"]+)"/i.exec(error.message);
  return match ? new TributaryConfigError(`rdkafka["${match[1]}"]`, error.message) : error;
}
