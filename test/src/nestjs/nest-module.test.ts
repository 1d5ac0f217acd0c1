import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Inject, Injectable, Module, Scope } from '@nestjs/common';
import { NestFactory, REQUEST } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  type BatchContext,
  Consume,
  ConsumeBatch,
  ConsumerGroup,
  HandlerRegistrationError,
  type Message,
  type MessageContext,
  type MiddlewareClass,
  type Next,
} from '@tributary/core';
import { TributaryProducer } from '@tributary/middleware';
import { TributaryHost, TributaryModule } from '@tributary/nestjs';
import { TributaryHealthIndicator } from '@tributary/nestjs/terminus';
import {
  committedOffsets,
  endOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  uniqueName,
  waitUntil,
} from '@tributary/testing';

const quietLogger = { level: process.env.TRIBUTARY_TEST_LOG_LEVEL ?? 'warn' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

/** A plain Nest service the handlers and the middleware inject: what was handled, by coordinate. */
@Injectable()
class Ledger {
  readonly handled = new Map<string, number>();
  readonly audited = new Set<string>();
  active = 0;
  record(msg: Message) {
    const at = `${msg.topic}/${msg.partition}/${msg.offset}`;
    this.handled.set(at, (this.handled.get(at) ?? 0) + 1);
  }
  total() {
    return [...this.handled.values()].reduce((a, b) => a + b, 0);
  }
}

/** A Nest-injected middleware class (`handle(ctx, next)`), listed in the module's `middleware`. */
@Injectable()
class Audit implements MiddlewareClass {
  constructor(private readonly ledger: Ledger) {}
  async handle(ctx: MessageContext, next: Next) {
    this.ledger.audited.add(`${ctx.message.topic}/${ctx.message.partition}/${ctx.message.offset}`);
    await next();
  }
}

test('a Nest app: two handler providers injecting a Nest service; app.close() drains and commits; a restart handles the rest, nothing twice', async () => {
  const orders = uniqueName('nest-orders');
  const payments = uniqueName('nest-payments');
  const group = uniqueName('nest-g');
  await kafka.createTopic({ name: orders, partitions: 3 });
  await kafka.createTopic({ name: payments, partitions: 2 });
  await produceMessages(kafka.bootstrapServers, orders, 600);
  await produceMessages(kafka.bootstrapServers, payments, 400);

  @Injectable()
  @ConsumerGroup(group, { ordering: 'key', concurrency: 16 })
  class OrderHandlers {
    constructor(private readonly ledger: Ledger) {}
    @Consume(orders)
    async onOrder(msg: Message) {
      this.ledger.active++;
      await sleep(5);
      this.ledger.record(msg);
      this.ledger.active--;
    }
  }
  @Injectable()
  @ConsumerGroup(group)
  class PaymentHandlers {
    constructor(private readonly ledger: Ledger) {}
    @Consume(payments)
    async onPayment(msg: Message) {
      this.ledger.active++;
      await sleep(5);
      this.ledger.record(msg);
      this.ledger.active--;
    }
  }
  @Module({ providers: [Ledger, Audit, OrderHandlers, PaymentHandlers] })
  class HandlersModule {}
  @Module({
    imports: [
      TributaryModule.forRoot({ brokers: kafka.bootstrapServers, middleware: [Audit], logger: quietLogger }),
      HandlersModule,
    ],
  })
  class AppModule {}

  const first = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  const ledger = first.get(Ledger);
  await waitUntil(() => ledger.total() >= 200, { message: 'the first context handles messages' });
  const activeAtClose = ledger.active;
  await first.close();
  assert.equal(first.get(TributaryHost).app.status, 'stopped');
  assert.ok(activeAtClose > 0, 'handlers were running when app.close() was called');
  assert.equal(ledger.active, 0, 'close() waited for the handlers in flight');
  const handledFirst = new Map(ledger.handled);
  assert.ok(
    [...ledger.handled.keys()].every((at) => ledger.audited.has(at)),
    'the Nest middleware class ran around every handled message',
  );
  // Every handled message is committed: the committed offsets count exactly what was handled.
  const committedAfterClose = [
    ...(await committedOffsets(kafka.bootstrapServers, group, orders, 3)),
    ...(await committedOffsets(kafka.bootstrapServers, group, payments, 2)),
  ].map((c) => Math.max(c, 0));
  assert.equal(
    committedAfterClose.reduce((a, b) => a + b, 0),
    handledFirst.size,
    'committed offsets at close = messages handled (commit-after-success, drained before leaving)',
  );

  const second = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  const ledger2 = second.get(Ledger);
  await waitUntil(() => handledFirst.size + ledger2.handled.size >= 1_000, {
    timeoutMs: 60_000,
    message: () => `all 1,000 handled across both runs (have ${handledFirst.size + ledger2.handled.size})`,
  });
  await second.close();
  const twice = [...ledger2.handled.keys()].filter((at) => handledFirst.has(at));
  assert.deepEqual(twice, [], 'the restart handled nothing the first run had handled');
  assert.ok([...ledger2.handled.values()].every((n) => n === 1));
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, orders, 3),
    await endOffsets(kafka.bootstrapServers, orders, 3),
  );
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, payments, 2),
    await endOffsets(kafka.bootstrapServers, payments, 2),
  );
});

test('the terminus readiness indicator is down while a topic is missing and before the join, up after it', async () => {
  const topic = uniqueName('nest-health');
  const group = uniqueName('nest-health-g');

  @Injectable()
  @ConsumerGroup(group, { missingTopics: 'wait' })
  class Handlers {
    @Consume(topic)
    async on() {}
  }
  @Module({
    imports: [TributaryModule.forRoot({ brokers: kafka.bootstrapServers, logger: quietLogger }), TerminusModule],
    providers: [Handlers, TributaryHealthIndicator],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  try {
    const health = app.get(HealthCheckService);
    const indicator = app.get(TributaryHealthIndicator);
    const ready = () =>
      health.check([() => indicator.isReady()]).then(
        (r) => ({ status: r.status, details: r.details }),
        (err: { response?: { status: string; details: Record<string, { reason?: string }> } }) => ({
          status: err.response?.status ?? 'error',
          details: err.response?.details ?? {},
        }),
      );
    const before = await ready();
    assert.equal(before.status, 'error');
    assert.match(before.details.tributary?.reason ?? '', new RegExp(`waiting for missing topics ${topic}`));
    assert.equal((await health.check([() => indicator.isLive()])).status, 'ok', 'live while not ready');
    await kafka.createTopic({ name: topic, partitions: 2 });
    await waitUntil(async () => (await ready()).status === 'ok', {
      timeoutMs: 60_000,
      message: 'ready after the join',
    });
    assert.deepEqual(app.get(TributaryHost).app.readiness().groups[0]?.assigned.length, 2);
  } finally {
    await app.close();
  }
});

test("Nest's scopes: a request-scoped handler is built per message with REQUEST = its context; a class no module provides fails bootstrap naming it", async () => {
  const topic = uniqueName('nest-scopes');
  const group = uniqueName('nest-scopes-g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 20);
  const seen: { instance: number; offset: number; requestOffset: number }[] = [];
  let built = 0;

  @Injectable({ scope: Scope.REQUEST })
  class PerMessage {
    readonly id = ++built;
    constructor(@Inject(REQUEST) private readonly request: MessageContext) {}
    offset() {
      return this.request.message.offset;
    }
  }
  @Injectable()
  @ConsumerGroup(group)
  class Handlers {
    constructor(private readonly perMessage: PerMessage) {}
    @Consume(topic)
    async on(msg: Message) {
      seen.push({ instance: this.perMessage.id, offset: msg.offset, requestOffset: this.perMessage.offset() });
    }
  }
  @Module({
    imports: [TributaryModule.forRoot({ brokers: kafka.bootstrapServers, logger: quietLogger })],
    providers: [PerMessage, Handlers],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  await waitUntil(() => seen.length >= 20, { message: 'all 20 handled' });
  await app.close();
  assert.deepEqual(
    seen.map((s) => s.requestOffset),
    seen.map((s) => s.offset),
    "each message's REQUEST is its own context",
  );
  assert.equal(new Set(seen.map((s) => s.instance)).size, 20, 'one handler sub-tree per message');

  class NotAProvider implements MiddlewareClass {
    async handle(_ctx: MessageContext, next: Next) {
      await next();
    }
  }
  @Module({
    imports: [
      TributaryModule.forRoot({ brokers: kafka.bootstrapServers, logger: quietLogger, middleware: [NotAProvider] }),
    ],
    providers: [Handlers, PerMessage],
  })
  class BrokenModule {}
  await assert.rejects(
    NestFactory.createApplicationContext(BrokenModule, { logger: false, abortOnError: false }),
    (err: unknown) =>
      err instanceof HandlerRegistrationError && /NotAProvider: is not a Nest provider/.test(err.message),
  );
});

test('a request-scoped batch handler: one sub-tree per batch, REQUEST = its BatchContext', async () => {
  const topic = uniqueName('nest-batch');
  const group = uniqueName('nest-batch-g');
  await kafka.createTopic({ name: topic, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 30);
  const batches: { instance: number; offsets: number[]; requestOffsets: number[] }[] = [];
  let built = 0;

  @Injectable({ scope: Scope.REQUEST })
  class PerBatch {
    readonly id = ++built;
    constructor(@Inject(REQUEST) private readonly request: BatchContext) {}
    offsets() {
      return this.request.messages.map((m) => m.offset);
    }
  }
  @Injectable()
  @ConsumerGroup(group)
  class Bulk {
    constructor(private readonly perBatch: PerBatch) {}
    @ConsumeBatch({ topic, maxSize: 10 })
    async on(messages: Message[]) {
      batches.push({
        instance: this.perBatch.id,
        offsets: messages.map((m) => m.offset),
        requestOffsets: this.perBatch.offsets(),
      });
    }
  }
  @Module({
    imports: [TributaryModule.forRoot({ brokers: kafka.bootstrapServers, logger: quietLogger })],
    providers: [PerBatch, Bulk],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  await waitUntil(() => batches.flatMap((b) => b.offsets).length >= 30, { message: 'all 30 handled' });
  await app.close();
  for (const b of batches) assert.deepEqual(b.requestOffsets, b.offsets, "the batch's REQUEST is its own context");
  assert.equal(new Set(batches.map((b) => b.instance)).size, batches.length, 'one sub-tree per batch');
});

test('forRootAsync: options from a provider of an imported module; a transient handler is one instance of its own; the producer provider sends', async () => {
  const topic = uniqueName('nest-async');
  const out = uniqueName('nest-async-out');
  const group = uniqueName('nest-async-g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  await kafka.createTopic({ name: out, partitions: 1 });
  await produceMessages(kafka.bootstrapServers, topic, 30);
  const instances = new Set<object>();

  @Injectable()
  class KafkaSettings {
    readonly brokers = kafka.bootstrapServers;
  }
  @Module({ providers: [KafkaSettings], exports: [KafkaSettings] })
  class SettingsModule {}

  @Injectable({ scope: Scope.TRANSIENT })
  @ConsumerGroup(group)
  class Forwarder {
    constructor(private readonly producer: TributaryProducer) {}
    @Consume(topic)
    async on(msg: Message<{ seq: number }>) {
      instances.add(this);
      await this.producer.sendJson(out, { seq: msg.value.seq }, { key: msg.key ?? undefined });
    }
  }
  @Module({
    imports: [
      TributaryModule.forRootAsync({
        imports: [SettingsModule],
        inject: [KafkaSettings],
        useFactory: (settings: KafkaSettings) => ({ brokers: settings.brokers, logger: quietLogger }),
        producer: true,
      }),
    ],
    providers: [Forwarder],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  try {
    await waitUntil(async () => (await endOffsets(kafka.bootstrapServers, out, 1))[0] === 30, {
      message: 'all 30 forwarded through the injected producer',
    });
  } finally {
    await app.close();
  }
  assert.equal(instances.size, 1, 'the transient handler: one instance, resolved once');
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, group, topic, 2),
    await endOffsets(kafka.bootstrapServers, topic, 2),
  );
});
