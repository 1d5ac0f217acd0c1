import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fakeContext } from './testing/fake-context.js';
import { tracing } from './tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

before(() => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
after(() => {
  context.disable();
  propagation.disable();
});

test('one consumer span per message, continuing the producer trace, with messaging attributes', async () => {
  exporter.reset();
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const ctx = fakeContext({ headers: { traceparent: Buffer.from(`00-${traceId}-b7ad6b7169203331-01`) } });
  let innerTraceId: string | undefined;
  await tracing({ tracer })(ctx, async () => {
    innerTraceId = trace.getSpan(context.active())?.spanContext().traceId;
  });
  const [span] = exporter.getFinishedSpans();
  assert.ok(span);
  assert.equal(span.name, 'process task-created');
  assert.equal(span.kind, SpanKind.CONSUMER);
  assert.equal(span.spanContext().traceId, traceId, 'continues the trace from the headers');
  assert.equal(innerTraceId, traceId, 'the handler runs inside the span');
  assert.equal(span.attributes['messaging.system'], 'kafka');
  assert.equal(span.attributes['messaging.destination.name'], 'task-created');
  assert.equal(span.attributes['messaging.destination.partition.id'], '2');
  assert.equal(span.attributes['messaging.kafka.offset'], 41);
  assert.equal(span.attributes['messaging.consumer.group.name'], 'notification-service');
  assert.equal(span.status.code, SpanStatusCode.UNSET);
});

test('a failure sets error status and records the exception', async () => {
  exporter.reset();
  await assert.rejects(tracing({ tracer })(fakeContext(), async () => Promise.reject(new RangeError('nope'))));
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.status.code, SpanStatusCode.ERROR);
  assert.equal(span?.attributes['error.type'], 'RangeError');
  assert.equal(span?.events[0]?.name, 'exception');
});
