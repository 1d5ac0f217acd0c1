import { context, propagation, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type MiddlewareFn, PauseRequest } from '@tributary/core';

export interface TracingOptions {
  /** Default: `trace.getTracer('@tributary/middleware')` — a no-op until an SDK is registered. */
  tracer?: Tracer;
}

const headerGetter = {
  keys: (carrier: Record<string, Buffer>) => Object.keys(carrier),
  get: (carrier: Record<string, Buffer>, key: string) => carrier[key]?.toString('utf8'),
};

/**
 * One CONSUMER span per message, continuing the producer's trace from the W3C `traceparent` /
 * `tracestate` headers, with the messaging semantic-convention attributes, and error status plus the
 * exception on failure. The handler runs inside the span's context, so its own spans (and the
 * producer's trace-context injection) hang below it.
 */
export function tracing(options: TracingOptions = {}): MiddlewareFn {
  return async (ctx, next) => {
    const tracer = options.tracer ?? trace.getTracer('@tributary/middleware');
    const m = ctx.message;
    const parent = propagation.extract(context.active(), m.headers, headerGetter);
    const span = tracer.startSpan(
      `process ${m.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
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
        },
      },
      parent,
    );
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
}
