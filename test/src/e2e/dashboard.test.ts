import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDashboard } from '@tributary/dashboard';
import { loadServiceConfig, type RunningService, startNotificationService } from '@tributary/notification-service';
import { produceTasks } from '@tributary/task-producer';
import { committedOffsets, endOffsets, startTestKafka, type TestKafka, waitUntil } from '@tributary/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

// Each run writes latest/ (ignored by git); the README shows a copy committed from such a run.
const screenshots = join(__dirname, '..', '..', 'e2e', 'screenshots', 'latest');
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
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
  await kafka.stop();
  rmSync(dir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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
      LOG_LEVEL: 'fatal',
    }),
  );
}

/** The page's partition table as numbers. */
async function tableOnPage(page: Page) {
  return page.$$eval('#partitions tbody tr', (rows) =>
    rows.map((row) => {
      const cell = (f: string) => (row.querySelector(`[data-field="${f}"]`) as HTMLElement).textContent ?? '';
      const num = (f: string) => (cell(f) === '-' ? null : Number(cell(f).replace(/,/g, '')));
      return {
        partition: (row as HTMLElement).dataset.partition as string,
        current: num('current'),
        end: num('end'),
        lag: num('lag'),
        owner: cell('owner'),
      };
    }),
  );
}

test("the dashboard shows the broker's offsets, the owners, a rebalance on the timeline, and findings", async (t) => {
  const [portA, portB] = await Promise.all([freePort(), freePort()]);
  const producing = new AbortController();
  const producer = produceTasks({
    brokers: kafka.bootstrapServers,
    rate: 400,
    durationMs: 60_000,
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
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(dashboard.url);
    await page.waitForSelector('#partitions tbody tr[data-partition="task-created/5"]', { timeout: 20_000 });
    await waitUntil(async () => (await tableOnPage(page)).every((r) => r.owner === 'instance-a'), {
      message: 'instance-a owns everything',
      timeoutMs: 20_000,
    });

    b = await service('instance-b', portB);
    await page.waitForSelector('#rebalances li.rebalance', { timeout: 30_000 });
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
    await page.waitForTimeout(2_500); // a few points on the chart
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'dashboard.png') });
    t.diagnostic(`screenshot: ${join(screenshots, 'dashboard.png')}`);

    // Freeze the group (producer done, consumers stopped), add a backlog, and compare numbers.
    producing.abort();
    await producer;
    await Promise.all([a.stop(), b.stop()]);
    await produceTasks({ brokers: kafka.bootstrapServers, rate: 0, count: 300, seed: 4 });
    const frozenAt = Date.now();
    await page.waitForFunction((at) => Number(document.body.dataset.at) > at + 1200, frozenAt, { timeout: 15_000 });
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
  } finally {
    producing.abort();
    await page.close();
    await dashboard.close();
    await Promise.all([a.stop(), b?.stop()]);
  }
});
