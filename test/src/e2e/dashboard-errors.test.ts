import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consume, ConsumerGroup, TributaryApp } from '@tributary/core';
import { startDashboard } from '@tributary/dashboard';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import { startTestKafka, type TestKafka, waitUntil } from '@tributary/testing';
import type { Browser } from 'playwright-core';
import { freePort, launchChromium, screenshot, tableOnPage } from './support.js';

let kafka: TestKafka;
let browser: Browser;
before(async () => {
  kafka = await startTestKafka({ topics: [{ name: 'fresh-orders', partitions: 3 }] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await kafka.stop();
});
const quiet = { info: () => {}, warn: () => {} };

/** A member of `group` on `topic` with metrics and health, named `instance`; nothing is produced to it. */
async function member(group: string, topic: string, instance: string) {
  @ConsumerGroup(group)
  class Handler {
    @Consume({ topic, decoder: 'string' })
    async on() {}
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger: { level: 'fatal' },
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const http = await startHealthServer(app, metrics, { port: 0, info: { instance } });
  await app.start();
  return {
    url: `http://127.0.0.1:${http.port}/metrics`,
    stop: async () => {
      await app.stop();
      await http.close();
    },
  };
}

test('a page opened right after the first join renders the partitions (nothing committed yet)', async () => {
  const m = await member('fresh-group', 'fresh-orders', 'fresh-1');
  const dashboard = await startDashboard({
    brokers: kafka.bootstrapServers,
    group: 'fresh-group',
    metrics: [m.url],
    port: 0,
    logger: quiet,
  });
  const page = await browser.newPage();
  try {
    await page.goto(dashboard.url);
    // The old dashboard found a group's topics from its commits only: "unknown group", an empty page.
    await page.waitForSelector('#partitions tbody tr[data-partition="fresh-orders/2"]', { timeout: 10_000 });
    const rows = await tableOnPage(page);
    assert.deepEqual(
      rows.map((r) => [r.partition, r.current, r.owner]),
      [
        ['fresh-orders/0', null, 'fresh-1'],
        ['fresh-orders/1', null, 'fresh-1'],
        ['fresh-orders/2', null, 'fresh-1'],
      ],
    );
    assert.equal(await page.getAttribute('body', 'data-state'), 'ok');
    assert.match((await page.textContent('#members')) ?? '', /group Stable, 1 member\(s\), 0 static/);
  } finally {
    await page.close();
    await dashboard.close();
    await m.stop();
  }
});

test('unreachable brokers are an error naming them, never "lag 0 / no problem found"', async (t) => {
  const port = await freePort(); // nothing listens there
  const dashboard = await startDashboard({
    brokers: `127.0.0.1:${port}`,
    group: 'any-group',
    metrics: [],
    port: 0,
    logger: quiet,
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 700 } });
  try {
    await page.goto(dashboard.url);
    await page.waitForSelector('body[data-state="unreachable"]', { timeout: 20_000 });
    const banner = (await page.textContent('#error')) ?? '';
    assert.match(banner, new RegExp(`Cannot read the brokers 127\\.0\\.0\\.1:${port}`));
    assert.match(banner, /cannot reach brokers/);
    assert.equal(await page.getAttribute('#findings [data-findings]', 'data-findings'), 'unavailable');
    assert.doesNotMatch((await page.textContent('main')) ?? '', /No problem found/);
    assert.equal(await page.textContent('#total-lag'), '–', 'unknown, not 0');
    assert.equal(await page.textContent('#dlq'), '–');
    t.diagnostic(`screenshot: ${await screenshot(page, 'dashboard-unreachable.png')}`);
  } finally {
    await page.close();
    await dashboard.close();
  }
});

test('a broker that goes down mid-run turns the page into an error until it is back', {
  skip: process.env.KAFKA_BROKERS ? 'embedded broker only (setBrokerDown)' : false,
}, async () => {
  const m = await member('outage-group', 'fresh-orders', 'outage-1');
  const dashboard = await startDashboard({
    brokers: kafka.bootstrapServers,
    group: 'outage-group',
    metrics: [m.url],
    port: 0,
    logger: quiet,
  });
  const page = await browser.newPage();
  try {
    await page.goto(dashboard.url);
    await page.waitForSelector('body[data-state="ok"] #partitions tbody tr', { timeout: 15_000 });
    await kafka.embedded?.setBrokerDown(1);
    await page.waitForSelector('body[data-state="broker"], body[data-state="unreachable"]', { timeout: 20_000 });
    assert.match(
      (await page.textContent('#error')) ?? '',
      new RegExp(`Cannot read the brokers ${kafka.bootstrapServers}`),
    );
    assert.equal(await page.$$eval('#partitions tbody tr', (r) => r.length), 0, 'no stale offsets shown as current');
    assert.equal(await page.getAttribute('#findings [data-findings]', 'data-findings'), 'unavailable');
    // The instance still answers its metrics: it is shown as up, the broker is the problem.
    assert.equal(await page.getAttribute('#instances li', 'data-state'), 'up');
    await kafka.embedded?.setBrokerUp(1);
    await page.waitForSelector('body[data-state="ok"]', { timeout: 30_000 });
    await waitUntil(async () => (await tableOnPage(page)).length === 3, { message: 'the partitions are back' });
  } finally {
    await kafka.embedded?.setBrokerUp(1);
    await page.close();
    await dashboard.close();
    await m.stop();
  }
});
