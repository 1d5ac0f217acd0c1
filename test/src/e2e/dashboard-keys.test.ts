import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { startDashboard } from '@tributary/dashboard';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import { produceMessages, startTestKafka, type TestKafka, waitUntil } from '@tributary/testing';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshot } from './support.js';

let kafka: TestKafka;
let browser: Browser;
before(async () => {
  kafka = await startTestKafka({ topics: [{ name: 'payments', partitions: 2 }] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await kafka.stop();
});

test('the per-key panel shows a poison key retrying while its partition’s other keys flow, and the stuck-key finding', async (t) => {
  const handled = new Set<string>();
  @ConsumerGroup('payments-by-key', { ordering: 'key' })
  class Payments {
    @Consume('payments')
    async on(msg: Message) {
      const key = String(msg.key);
      if (key === 'poison') throw new Error('cannot charge this customer');
      handled.add(key);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Payments],
    groups: { 'payments-by-key': { commitIntervalMs: 200, retryBackoffMs: { initial: 50, max: 200 } } },
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const http = await startHealthServer(app, metrics, { port: 0, info: { instance: 'k1' } });
  await app.start();
  t.after(async () => {
    await app.stop();
    await http.close();
  });
  const producing = (async () => {
    // The poison key on partition 0, then other keys on the same partition keep arriving.
    await produceMessages(kafka.bootstrapServers, 'payments', 1, {
      message: () => ({ key: 'poison', value: '{}', partition: 0 }),
    });
    for (let round = 0; round < 30; round++) {
      await produceMessages(kafka.bootstrapServers, 'payments', 20, {
        message: (i) => ({ key: `customer-${round}-${i}`, value: '{}', partition: i % 2 }),
      });
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const dashboard = await startDashboard({
    brokers: kafka.bootstrapServers,
    group: 'payments-by-key',
    metrics: [`http://127.0.0.1:${http.port}/metrics`],
    port: 0,
    logger: { info: () => {}, warn: () => {} },
  });
  t.after(() => dashboard.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(dashboard.url);
  const poisonRow = '#key-lanes table[data-key-list="retrying"] tr[data-key="poison"]';
  await page.waitForSelector(poisonRow, { timeout: 30_000 });
  assert.equal(await page.getAttribute(poisonRow, 'data-partition'), 'payments/0');
  await waitUntil(() => page.getAttribute(poisonRow, 'data-others-flowing').then((v) => v === 'true'), {
    timeoutMs: 20_000,
    message: 'the poison key retrying with others flowing',
  });
  assert.ok(Number(await page.getAttribute('[data-key-lanes]', 'data-key-lanes')) >= 1);
  const before = handled.size;
  await waitUntil(() => handled.size > before + 20, { message: 'other keys keep being handled' });
  // Retrying > 10 s while others flow: diagnose's stuck key, among the findings.
  await page.waitForSelector('[data-finding="stuck-key"]', { timeout: 30_000 });
  assert.match((await page.textContent('[data-finding="stuck-key"]')) ?? '', /key "poison" on payments\/0/);
  await screenshot(page, 'dashboard-keys.png');
  await producing;
});
