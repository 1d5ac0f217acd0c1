import {
  type Attributes,
  context,
  type Link,
  ProxyTracerProvider,
  propagation,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type AnyContext, type BatchAwareMiddlewareFn, handlesBatches, isBatch, PauseRequest } from '@tributary/core';

export interface TracingOptions {
  /** Default: `trace.getTracer('@tributary/middleware')` — a no-op until an SDK is registered. */
  tracer?: Tracer;
}

const headerGetter = {
  keys: (carrier: Record<string, Buffer>) => Object.keys(carrier),
  get: (carrier: Record<string, Buffer>, key: string) => carrier[key]?.toString('utf8'),
};

/** What an API's global tracer provider delegates to while no SDK registered one (its no-op provider). */
const UNSET_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * True while OpenTelemetry is not set up in this process: no tracer provider and no propagator
 * registered. Then a span would be a no-op and `propagation.extract` would return its input, so
 * the middleware only calls `next` (the span, context and attributes cost ~1 µs per message for
 * nothing). Checked per message: an SDK registered after the app started is picked up at once.
 * A provider from another copy of the API is not a `ProxyTracerProvider` here: that one traces.
 */
function telemetryOff(): boolean {
  const provider = trace.getTracerProvider();
  return (
    provider instanceof ProxyTracerProvider &&
    provider.getDelegate() === UNSET_DELEGATE &&
    propagation.fields().length === 0
  );
}

/** Links of a batch span: one per message that carries a producer's trace context (at most this many). */
const MAX_BATCH_LINKS = 128;

/** The span's parent context, links and attributes: a message continues its producer's trace; a batch links to each. */
function spanInputs(ctx: AnyContext): {
  parent: ReturnType<typeof context.active>;
  links: Link[];
  attributes: Attributes;
  topic: string;
} {
  if (isBatch(ctx)) {
    const first = ctx.messages[0];
    const links: Link[] = [];
    for (const m of ctx.messages.slice(0, MAX_BATCH_LINKS)) {
      const spanContext = trace.getSpanContext(propagation.extract(context.active(), m.headers, headerGetter));
      if (spanContext) links.push({ context: spanContext });
    }
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': ctx.groupId,
      'tributary.handler': ctx.handler,
      'tributary.attempt': ctx.attempt,
      'messaging.destination.name': first?.topic,
      'messaging.destination.partition.id': String(first?.partition),
      'messaging.batch.message_count': ctx.messages.length,
    };
    return { parent: context.active(), links, attributes, topic: first?.topic ?? '' };
  }
  const m = ctx.message;
  // One literal per message (the hot path): no spread of shared attributes.
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': m.topic,
    'messaging.destination.partition.id': String(m.partition),
    'messaging.consumer.group.name': ctx.groupId,
    'messaging.kafka.offset': m.offset,
    'messaging.message.body.size': m.size,
    'messaging.kafka.message.key': m.key ?? undefined,
    'tributary.handler': ctx.handler,
    'tributary.attempt': ctx.attempt,
  };
  return {
    parent: propagation.extract(context.active(), m.headers, headerGetter),
    links: [],
    attributes,
    topic: m.topic,
  };
}

/**
 * One CONSUMER span per message, continuing the producer's trace from the W3C `traceparent` /
 * `tracestate` headers (a batch: one span linked to each message's producer span), with the messaging semantic-convention attributes, and error status plus the
 * exception on failure. The handler runs inside the span's context, so its own spans (and the
 * producer's trace-context injection) hang below it.
 */
export function tracing(options: TracingOptions = {}): BatchAwareMiddlewareFn {
  // A ProxyTracer when no SDK is registered yet: it finds the SDK's tracer once one is.
  const tracer = options.tracer ?? trace.getTracer('@tributary/middleware');
  const traced = async (ctx: AnyContext, next: () => Promise<void>) => {
    const { parent, links, attributes, topic } = spanInputs(ctx);
    const span = tracer.startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    try {
      await context.with(trace.setSpan(parent, span), next);
      if (ctx.outcome && ctx.outcome !== 'done') span.setAttribute('tributary.outcome', ctx.outcome);
    } catch (err) {
      if (PauseRequest.is(err)) {
        span.setAttribute('tributary.pause_ms', err.ms); // a back-off, not an error
        throw err;
      }
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      span.setAttribute('error.type', (err as Error).name ?? 'Error');
      throw err;
    } finally {
      span.end();
    }
  };
  return handlesBatches((ctx, next) => (!options.tracer && telemetryOff() ? next() : traced(ctx, next)));
}
