import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Dashboard, type ExplorerPage, startDashboard } from '@tributary/dashboard';
import {
  committedOffsets,
  produceMessages,
  startTestKafka,
  type TestKafka,
  type TestMessage,
} from '@tributary/testing';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshot } from './support.js';

const topic = 'explorer-e2e';
let kafka: TestKafka;
let browser: Browser;
let dashboard: Dashboard;
/** A time between message 14 and message 15 of partition 1. */
let between: number;

const message = (i: number): TestMessage => ({
  key: `order-${i}`,
  partition: 1,
  value: JSON.stringify({ orderId: i, note: `the ${i}th order` }),
  headers: [{ 'trace-id': `trace-${i}` }, { checksum: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }],
});

before(async () => {
  kafka = await startTestKafka({ topics: [{ name: topic, partitions: 2 }] });
  await produceMessages(kafka.bootstrapServers, topic, 15, { message });
  await new Promise((resolve) => setTimeout(resolve, 50));
  between = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await produceMessages(kafka.bootstrapServers, topic, 15, { message: (i) => message(i + 15) });
  browser = await launchChromium();
  dashboard = await startDashboard({
    brokers: kafka.bootstrapServers,
    group: 'explorer-e2e-nobody',
    metrics: [],
    port: 0,
    logger: { info: () => {}, warn: () => {} },
  });
});
after(async () => {
  await dashboard?.close();
  await browser?.close();
  await kafka.stop();
});

const rows = (page: import('playwright-core').Page) =>
  page.$$eval('#messages tbody tr[data-offset]', (trs) =>
    trs.map((tr) => ({
      offset: Number((tr as HTMLElement).dataset.offset),
      key: tr.querySelector('[data-field="key"] pre')?.textContent,
      headers: Object.fromEntries(
        [...tr.querySelectorAll('[data-header]')].map((h) => [
          (h as HTMLElement).dataset.header,
          { text: h.querySelector('pre')?.textContent, kind: h.querySelector('pre')?.getAttribute('data-kind') },
        ]),
      ),
      value: tr.querySelector('[data-field="value"] pre')?.textContent,
      valueKind: tr.querySelector('[data-field="value"] pre')?.getAttribute('data-kind'),
    })),
  );

test('the explorer shows a produced message: offset, key, headers (text and hex) and pretty JSON, paginated', async (t) => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(`${dashboard.url}explorer?topic=${topic}&partition=1&offset=10&limit=5`);
    await page.waitForSelector('#messages tbody tr[data-offset="10"]', { timeout: 15_000 });
    const shown = await rows(page);
    assert.deepEqual(
      shown.map((r) => r.offset),
      [10, 11, 12, 13, 14],
    );
    const twelfth = shown[2];
    assert.equal(twelfth?.key, 'order-12');
    assert.deepEqual(twelfth?.headers['trace-id'], { text: 'trace-12', kind: 'text' });
    assert.deepEqual(twelfth?.headers.checksum, { text: 'de ad be ef', kind: 'hex' });
    assert.equal(twelfth?.valueKind, 'json');
    assert.equal(twelfth?.value, JSON.stringify({ orderId: 12, note: 'the 12th order' }, null, 2));
    assert.match((await page.textContent('#summary')) ?? '', /explorer-e2e\/1: offsets 10–14 of 0–29/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'explorer.png')}`);

    await page.click('#next');
    await page.waitForSelector('#messages tbody tr[data-offset="15"]');
    assert.deepEqual(
      (await rows(page)).map((r) => r.offset),
      [15, 16, 17, 18, 19],
    );
    await page.click('#previous');
    await page.waitForSelector('#messages tbody tr[data-offset="10"]');
    assert.match(page.url(), /offset=10/, 'the query is in the address');

    // The latest page by default; an empty partition says so.
    await page.goto(`${dashboard.url}explorer?topic=${topic}&partition=1&limit=20`);
    await page.waitForSelector('#messages tbody tr[data-offset="29"]');
    assert.equal((await rows(page))[0]?.offset, 10);
    await page.goto(`${dashboard.url}explorer?topic=${topic}&partition=0`);
    await page.waitForFunction(() => /no message here/.test(document.querySelector('#messages')?.textContent ?? ''));
  } finally {
    await page.close();
  }
});

test('the explorer reads from a time, refuses bad input, and commits nothing', async () => {
  const api = (query: string) => fetch(`${dashboard.url}api/explorer/messages?${query}`);
  const response = await api(`topic=${topic}&partition=1&time=${between}&limit=3`);
  assert.equal(response.status, 200);
  const page = (await response.json()) as ExplorerPage;
  assert.equal(page.start, 15);
  assert.deepEqual(
    page.messages.map((m) => m.offset),
    [15, 16, 17],
  );
  // The repository's embedded broker answers ListOffsets by time as Kafka does; the search is the
  // fallback for brokers that answer "none" (librdkafka's stock mock cluster, installed from npm).
  assert.equal(page.resolvedBy, 'offsetsForTimes');
  const late = (await (await api(`topic=${topic}&partition=1&time=${Date.now() + 60_000}`)).json()) as ExplorerPage;
  assert.equal(late.start, 30, 'after the last message: the end');
  assert.deepEqual(late.messages, []);

  const unknown = await api('topic=no-such-topic&partition=0');
  assert.equal(unknown.status, 400);
  assert.deepEqual(await unknown.json(), { error: 'unknown topic no-such-topic' });
  const partitions = await fetch(`${dashboard.url}api/explorer/partitions?topic=no-such-topic`);
  assert.equal(partitions.status, 400, 'and asking did not create it');
  assert.equal((await api(`topic=${topic}&partition=7`)).status, 400);
  assert.equal((await fetch(`${dashboard.url}api/explorer/messages`, { method: 'POST' })).status, 405);
  // Read by assignment: the explorer's group id never committed anything.
  assert.deepEqual(
    await committedOffsets(kafka.bootstrapServers, 'tributary-dashboard-explorer', topic, 2),
    [-1001, -1001],
  );
});
