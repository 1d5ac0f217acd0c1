import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDashboard } from '@tributary/dashboard';
import { loadServiceConfig, type RunningService, startNotificationService } from '@tributary/notification-service';
import { produceTasks } from '@tributary/task-producer';
import {
  committedOffsets,
  endOffsets,
  partitionCount,
  startTestKafka,
  type TestKafka,
  waitUntil,
} from '@tributary/testing';
import type { Browser, Page } from 'playwright-core';
import { freePort, heldMessages, launchChromium, renderedAfter, screenshot, tableOnPage } from './support.js';

let kafka: TestKafka;
let browser: Browser;
let dir: string;
before(async () => {
  kafka = await startTestKafka({
    topics: [
      { name: 'task-created', partitions: 6 },
      { name: 'task-completed', partitions: 6 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await kafka.stop();
  rmSync(dir, { recursive: true, force: true });
});

function service(instance: string, port: number): Promise<RunningService> {
  return startNotificationService(
    loadServiceConfig({
      KAFKA_BROKERS: kafka.bootstrapServers,
      INSTANCE_ID: instance,
      NOTIFIER: 'file',
      NOTIFY_FILE: join(dir, `${instance}.jsonl`),
      NOTIFY_LATENCY_MS: '20',
      CONCURRENCY: '4',
      HTTP_PORT: String(port),
      STATIC_MEMBERSHIP: 'false',
      RETRY_MAX_ATTEMPTS: '1',
      LOG_LEVEL: 'fatal',
    }),
  );
}

const instanceState = (page: Page, port: number) =>
  page.getAttribute(`#instances li[data-instance-url="http://127.0.0.1:${port}/metrics"]`, 'data-state');

/** What the DLQ topics of the service's two topics hold, from the broker. */
async function dlqOnBroker(): Promise<number> {
  let total = 0;
  for (const topic of ['task-created.dlq', 'task-completed.dlq']) {
    const partitions = await partitionCount(kafka.bootstrapServers, topic).catch(() => 0);
    if (partitions > 0) total += await heldMessages(kafka.bootstrapServers, topic, partitions);
  }
  return total;
}

test("the dashboard shows the broker's offsets and owners, a rebalance, a stopped instance as gone, and the DLQ topics' count", async (t) => {
  const [portA, portB] = await Promise.all([freePort(), freePort()]);
  const producing = new AbortController();
  const producer = produceTasks({
    brokers: kafka.bootstrapServers,
    rate: 400,
    durationMs: 60_000,
    poisonShare: 0.03,
    signal: producing.signal,
    seed: 3,
  });
  const a = await service('instance-a', portA);
  let b: RunningService | undefined;
  const dashboard = await startDashboard({
    brokers: kafka.bootstrapServers,
    group: 'notification-service',
    metrics: [`http://127.0.0.1:${portA}/metrics`, `http://127.0.0.1:${portB}/metrics`],
    port: 0,
    logger: { info: () => {}, warn: () => {} },
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  try {
    await page.goto(dashboard.url);
    await page.waitForSelector('#partitions tbody tr[data-partition="task-created/5"]', { timeout: 20_000 });
    await waitUntil(async () => (await tableOnPage(page)).every((r) => r.owner === 'instance-a'), {
      message: 'instance-a owns everything',
      timeoutMs: 20_000,
    });
    // b's URL has never answered: listed, but not an instance.
    assert.equal(await instanceState(page, portB), 'unseen');
    assert.equal(await page.textContent('#instance-count'), '1 up');

    b = await service('instance-b', portB);
    // Cooperative rebalancing revokes first and assigns in a second round: wait for the hand-over.
    await page.waitForFunction(
      () => /instance-a → instance-b/.test(document.querySelector('#rebalances')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    const timeline = await page.textContent('#rebalances');
    assert.match(timeline ?? '', /task-(created|completed)\/\d: instance-a → instance-b/);
    assert.match(timeline ?? '', /\(pause \d+(\.\d)? s\)/);
    await waitUntil(async () => new Set((await tableOnPage(page)).map((r) => r.owner)).size === 2, {
      message: 'both instances own partitions',
      timeoutMs: 20_000,
    });
    await page.waitForSelector('#dead-letters li[data-dlq-topic]', { timeout: 20_000 });
    await page.waitForTimeout(2_500); // a few points on the chart
    t.diagnostic(`screenshot: ${await screenshot(page, 'dashboard.png')}`);

    // b stops: it is shown as gone, not counted, and never an idle member.
    await b.stop();
    const stoppedAt = Date.now();
    await page.waitForFunction(
      (port) =>
        document
          .querySelector(`#instances li[data-instance-url="http://127.0.0.1:${port}/metrics"]`)
          ?.getAttribute('data-state') === 'gone',
      portB,
      { timeout: 10_000 },
    );
    assert.equal(await page.textContent('#instance-count'), '1 up · 1 gone');
    const gone = await page.textContent(`#instances li[data-state="gone"]`);
    assert.match(gone ?? '', /instance-b — stopped or unreachable since \d/);
    await waitUntil(async () => (await tableOnPage(page)).every((r) => r.owner === 'instance-a'), {
      message: 'instance-a owns everything again',
      timeoutMs: 30_000,
    });
    await page.waitForFunction(
      () => /instance-b → instance-a/.test(document.querySelector('#rebalances')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    // The findings window (15 samples) spans b's departure: the old dashboard said "1 of 2 instance(s) own no partition".
    while (Date.now() < stoppedAt + 6_000) {
      await renderedAfter(page, Date.now());
      assert.equal(await page.$('[data-finding="idle-members"]'), null, (await page.textContent('#findings')) ?? '');
    }
    // DLQ: what the topics hold, whatever the metrics of the instances still up say (b's counter left with b).
    await waitUntil(async () => (await dlqOnBroker()) > 0, {
      message: 'poison events dead-lettered',
      timeoutMs: 20_000,
    });
    await renderedAfter(page, Date.now());
    const [inTopics, fromMetrics] = await Promise.all([
      page.getAttribute('#dlq', 'data-in-topics'),
      page.getAttribute('#dlq', 'data-from-metrics'),
    ]);
    const note = (await page.textContent('#dlq-note')) ?? '';
    if (inTopics !== fromMetrics) assert.match(note, /^in DLQ topics · [\d,]+ by metrics$/);
    else assert.equal(note, 'in DLQ topics');
    t.diagnostic(`screenshot: ${await screenshot(page, 'dashboard-instance-gone.png')}`);

    // Freeze the group (producer done, consumers stopped), add a backlog, and compare numbers.
    producing.abort();
    await producer;
    await a.stop();
    await produceTasks({ brokers: kafka.bootstrapServers, rate: 0, count: 300, seed: 4 });
    await renderedAfter(page, Date.now() + 1200);
    const dlq = await dlqOnBroker();
    assert.equal(
      Number(await page.getAttribute('#dlq', 'data-in-topics')),
      dlq,
      'the DLQ count is what the topics hold',
    );
    assert.equal((await page.textContent('#dlq'))?.replace(/,/g, ''), String(dlq));
    assert.equal(await page.textContent('#instance-count'), '0 up · 2 gone');
    assert.equal(await page.getAttribute('#dlq', 'data-from-metrics'), '0', 'no instance answers: no metrics count');
    assert.equal(await page.textContent('#dlq-note'), 'in DLQ topics · no instance answers for metrics');
    const rows = await tableOnPage(page);
    for (const topic of ['task-created', 'task-completed']) {
      const [committed, ends] = await Promise.all([
        committedOffsets(kafka.bootstrapServers, 'notification-service', topic, 6),
        endOffsets(kafka.bootstrapServers, topic, 6),
      ]);
      for (let p = 0; p < 6; p++) {
        const row = rows.find((r) => r.partition === `${topic}/${p}`);
        assert.ok(row, `${topic}/${p} on the page`);
        assert.equal(row.current, committed[p], `${topic}/${p} CURRENT-OFFSET`);
        assert.equal(row.end, ends[p], `${topic}/${p} LOG-END-OFFSET`);
        assert.equal(row.lag, (ends[p] as number) - (committed[p] as number), `${topic}/${p} LAG`);
      }
    }
    const total = Number(((await page.textContent('#total-lag')) ?? '').replace(/,/g, ''));
    assert.equal(
      total,
      rows.reduce((n, r) => n + (r.lag ?? 0), 0),
    );
    assert.ok(total > 0, 'the backlog shows as lag');

    // A DLQ topic's link opens the explorer on it: its entries show the failure from their headers.
    await page.click('#dead-letters li[data-dlq-topic] a');
    await page.waitForSelector('#messages tbody tr[data-offset] [data-dead-letter]', { timeout: 15_000 });
    const failure = await page.textContent('#messages tbody tr[data-offset] [data-dead-letter]');
    t.diagnostic(`screenshot: ${await screenshot(page, 'explorer-dlq.png')}`);
    assert.match(
      failure ?? '',
      /^\S+: .+from task-(created|completed)\/\d+@\d+ · \d+ attempt\(s\) · TaskNotifications\./s,
    );
  } finally {
    producing.abort();
    await page.close();
    await dashboard.close();
    await Promise.all([a.stop(), b?.stop()]);
  }
});
