import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fakeContext } from './testing/fake-context.js';
import { tracing } from './tracing.js';

// Its own file (its own process): it registers the global OpenTelemetry SDK, which tracing.test.ts avoids.
test('without an SDK the middleware only runs the handler; an SDK registered later is traced from its next message', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const headers = { traceparent: Buffer.from(`00-${traceId}-b7ad6b7169203331-01`) };
  const middleware = tracing(); // the default stack's: the global tracer, created before any SDK
  let activeSpan: unknown = 'unset';
  await middleware(fakeContext({ headers }), async () => {
    activeSpan = trace.getActiveSpan();
  });
  assert.equal(activeSpan, undefined, 'no SDK: no span and no context are made');

  const exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  try {
    let innerTraceId: string | undefined;
    await middleware(fakeContext({ headers }), async () => {
      innerTraceId = trace.getActiveSpan()?.spanContext().traceId;
    });
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.name, 'process task-created');
    assert.equal(span?.spanContext().traceId, traceId, 'continues the producer trace');
    assert.equal(innerTraceId, traceId, 'the handler runs inside the span');
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
});

test('a propagator alone (no tracer provider) still makes the producer trace active for the handler', async () => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    let innerTraceId: string | undefined;
    await tracing()(
      fakeContext({ headers: { traceparent: Buffer.from(`00-${traceId}-00f067aa0ba902b7-01`) } }),
      async () => {
        innerTraceId = trace.getSpanContext(context.active())?.traceId;
      },
    );
    assert.equal(innerTraceId, traceId, 'outgoing messages can carry the trace on');
  } finally {
    context.disable();
    propagation.disable();
  }
});
