/** Base class of every error Tributary raises, so callers can tell ours from theirs. */
export class TributaryError extends Error {
  override name = 'TributaryError';
}

/** Invalid configuration, found at bootstrap. `key` is the dotted path of the offending setting. */
export class TributaryConfigError extends TributaryError {
  override name = 'TributaryConfigError';
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`invalid config ${key}: ${problem}`);
  }
}

/** A decorator used the wrong way, found at bootstrap. `where` is `Class` or `Class.method`. */
export class HandlerRegistrationError extends TributaryError {
  override name = 'HandlerRegistrationError';
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/**
 * Subscribed topics the cluster does not have (or does not let this client describe), found when
 * the group starts. `suggestions` maps a missing topic to an existing one it probably misspells.
 */
export class MissingTopicsError extends TributaryError {
  override name = 'MissingTopicsError';
  constructor(
    readonly groupId: string,
    readonly topics: string[],
    readonly suggestions: Record<string, string> = {},
  ) {
    const named = topics.map((t) => (suggestions[t] ? `"${t}" (did you mean "${suggestions[t]}"?)` : `"${t}"`));
    super(
      `consumer group "${groupId}": subscribed topic${topics.length === 1 ? '' : 's'} ${named.join(', ')} ` +
        `not found on the cluster. Create ${topics.length === 1 ? 'it' : 'them'}, fix the @Consume topic (or the middleware that declares it, such as retryTopics()), ` +
        `or set the group option missingTopics: 'wait' to wait for ${topics.length === 1 ? 'it' : 'them'}`,
    );
  }
}

/** The consumer could not reach the cluster at start. `lastClientError` is librdkafka's last word. */
export class KafkaConnectionError extends TributaryError {
  override name = 'KafkaConnectionError';
  constructor(
    readonly brokers: string,
    readonly groupId: string,
    readonly waitedMs: number,
    readonly reason: string,
    readonly lastClientError?: string,
  ) {
    super(
      `consumer group "${groupId}": cannot connect to Kafka at ${brokers} within ${Math.round(waitedMs / 1000)} s: ` +
        `${reason}${lastClientError && lastClientError !== reason ? ` (last client error: ${lastClientError})` : ''}`,
    );
  }
}

export interface MessageCoordinates {
  topic: string;
  partition: number;
  offset: number;
}

const at = (c: MessageCoordinates) => `${c.topic}/${c.partition}@${c.offset}`;

// Callers pass whole messages as coordinates (librdkafka's, with value and header bytes): an error
// keeps only the coordinates, so serializing it can never write the payload.
const coordinatesOf = (c: MessageCoordinates): MessageCoordinates => ({
  topic: c.topic,
  partition: c.partition,
  offset: c.offset,
});

/** The message's bytes could not be decoded (or failed schema validation). Never retryable. */
export class DeserializationError extends TributaryError {
  override name = 'DeserializationError';
  readonly retryable = false;
  readonly coordinates: MessageCoordinates;
  readonly #reason: string;
  constructor(
    coordinates: MessageCoordinates,
    reason: string,
    readonly issues?: unknown,
    options?: { cause?: unknown },
  ) {
    super(`cannot decode ${at(coordinates)}: ${reason}`, options);
    this.coordinates = coordinatesOf(coordinates);
    this.#reason = reason;
  }

  /** What went wrong. A getter, not a field: the message says it already, serializers copy fields. */
  get reason(): string {
    return this.#reason;
  }
}

/** An error that escaped a handler, with where it happened. */
export class HandlerError extends TributaryError {
  override name = 'HandlerError';
  readonly coordinates: MessageCoordinates;
  constructor(
    readonly handler: string,
    coordinates: MessageCoordinates,
    readonly attempt: number,
    options: { cause: unknown },
  ) {
    const cause = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${handler} failed on ${at(coordinates)} (attempt ${attempt}): ${cause}`, options);
    this.coordinates = coordinatesOf(coordinates);
  }
}

const PAUSE_REQUEST = Symbol.for('tributary.pause-request');

/**
 * Thrown by `ctx.pause(ms)`: not a failure. The message is not completed; it runs again after
 * `ms`, and its lane (its partition in partition ordering, its key in key ordering) waits
 * meanwhile. Middleware lets it through untouched (retry does not retry it, the dead-letter
 * middleware does not dead-letter it); do not catch it in a handler.
 */
export class PauseRequest extends TributaryError {
  override readonly name = 'PauseRequest';
  readonly [PAUSE_REQUEST] = true;
  constructor(readonly ms: number) {
    super(`paused for ${ms} ms by ctx.pause()`);
  }

  /** True for a `PauseRequest`, also one from another copy of this package. */
  static is(error: unknown): error is PauseRequest {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[PAUSE_REQUEST] === true;
  }
}
