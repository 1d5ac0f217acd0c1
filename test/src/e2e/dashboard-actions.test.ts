import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { newActionToken, startDashboard } from '@tributary/dashboard';
import { loadServiceConfig, type RunningService, startNotificationService } from '@tributary/notification-service';
import { produceTasks } from '@tributary/task-producer';
import { endOffsets, partitionCount, startTestKafka, type TestKafka, waitUntil } from '@tributary/testing';
import type { Browser, Page } from 'playwright-core';
import { freePort, heldMessages, launchChromium, screenshot, tableOnPage } from './support.js';

let kafka: TestKafka;
let browser: Browser;
let dir: string;
before(async () => {
  kafka = await startTestKafka({
    topics: [
      { name: 'task-created', partitions: 3 },
      { name: 'task-completed', partitions: 3 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'dashboard-actions-e2e-'));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await kafka.stop();
  rmSync(dir, { recursive: true, force: true });
});

const token = newActionToken();
const quiet = { info: () => {}, warn: () => {} };

function service(instance: string, port: number): Promise<RunningService> {
  return startNotificationService(
    loadServiceConfig({
      KAFKA_BROKERS: kafka.bootstrapServers,
      INSTANCE_ID: instance,
      NOTIFIER: 'file',
      NOTIFY_FILE: join(dir, `${instance}.jsonl`),
      CONCURRENCY: '4',
      HTTP_PORT: String(port),
      STATIC_MEMBERSHIP: 'false',
      RETRY_MAX_ATTEMPTS: '1',
      CONTROL_TOKEN: token,
      LOG_LEVEL: 'fatal',
    }),
  );
}

const lagOf = async (page: Page, partition: string) =>
  (await tableOnPage(page)).find((r) => r.partition === partition)?.lag ?? null;
const post = (url: string, path: string, body: unknown, auth?: string) =>
  fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  });

test('with --allow-actions and the token, the page pauses and resumes a partition and replays a DLQ topic once; without it, no actions', async (t) => {
  const ports = await Promise.all([freePort(), freePort()]);
  const services = await Promise.all([service('a1', ports[0] as number), service('a2', ports[1] as number)]);
  t.after(() => Promise.all(services.map((s) => s.stop())));
  const metrics = ports.map((p) => `http://127.0.0.1:${p}/metrics`);
  const source = { brokers: kafka.bootstrapServers, group: 'notification-service', metrics, port: 0, logger: quiet };
  const [withActions, readOnly] = await Promise.all([
    startDashboard({ ...source, actions: { token } }),
    startDashboard(source),
  ]);
  t.after(() => Promise.all([withActions.close(), readOnly.close()]));
  const producing = new AbortController();
  t.after(() => producing.abort());
  const producer = produceTasks({
    brokers: kafka.bootstrapServers,
    rate: 150,
    durationMs: 60_000,
    poisonShare: 0.05,
    signal: producing.signal,
    seed: 7,
  });

  const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
  await page.goto(`${withActions.url}#token=${token}`);
  const pauseButton = '#partitions tr[data-partition="task-created/0"] button[data-action="pause"]';
  await page.waitForSelector(pauseButton, { timeout: 30_000 });
  // Steady first: both instances own partitions and every partition drains. The instances start
  // together, but one may join a round ahead and own everything first; the cooperative round that
  // hands the other its share holds the commits of the first for up to a heartbeat interval (its
  // pending JoinGroup mutes its coordinator connection, as in Kafka), and that step in the lag of
  // partitions that are not held must be over before the pause.
  await waitUntil(
    async () => {
      const rows = await tableOnPage(page);
      const owners = new Set(rows.map((r) => r.owner));
      return (
        rows.length === 6 &&
        owners.size === 2 &&
        !owners.has('-') &&
        rows.every((r) => r.lag !== null && r.lag < 40) &&
        services.every((s) => s.app.stats().every((g) => g.assigned.length === 3))
      );
    },
    { timeoutMs: 45_000, message: 'both instances own 3 partitions, every partition draining' },
  );

  // A request without the token, or with another one, is refused; the read-only dashboard has no actions.
  const body = { topic: 'task-created', partition: 0 };
  assert.equal((await post(withActions.url, '/api/actions/pause', body)).status, 401);
  assert.equal((await post(withActions.url, '/api/actions/pause', body, `Bearer ${newActionToken()}`)).status, 401);
  assert.equal((await post(readOnly.url, '/api/actions/pause', body, `Bearer ${token}`)).status, 404);
  assert.equal(
    (await post(readOnly.url, '/api/actions/replay', { dlqTopic: 'task-created.dlq' }, `Bearer ${token}`)).status,
    404,
  );
  const plain = await browser.newPage();
  await plain.goto(readOnly.url);
  await plain.waitForSelector('#partitions tbody tr', { timeout: 30_000 });
  assert.equal(await plain.locator('button[data-action]').count(), 0);
  assert.equal(await plain.locator('#actions').count(), 0);
  await plain.close();

  // Pause task-created/0: its owner holds it, its lag grows while the other partitions drain.
  await page.click(pauseButton);
  await page.waitForSelector('[data-action-done="pause"]');
  const held = () =>
    services.some((s) =>
      s.app.stats().some((g) => g.held.some((tp) => tp.topic === 'task-created' && tp.partition === 0)),
    );
  await waitUntil(held, { message: 'task-created/0 held by its owner' });
  const lagAtPause = (await lagOf(page, 'task-created/0')) ?? 0;
  let rows: Awaited<ReturnType<typeof tableOnPage>> = [];
  await waitUntil(
    async () => {
      rows = await tableOnPage(page);
      const paused = rows.find((r) => r.partition === 'task-created/0')?.lag ?? 0;
      const others = rows.filter((r) => r.partition !== 'task-created/0');
      return paused > lagAtPause + 60 && others.every((r) => r.lag !== null && r.lag < 40);
    },
    {
      timeoutMs: 20_000,
      message: () => `the paused partition's lag growing while the others drain: ${JSON.stringify(rows)}`,
    },
  );
  assert.equal(await page.textContent('#paused-list'), 'task-created/0');
  // The instances' /health/ready says it is held: the row says so, and the findings call it held, not hot.
  await page.waitForSelector('#partitions tr[data-partition="task-created/0"] [data-held="true"]', { timeout: 10_000 });
  await page.waitForSelector('[data-finding="held-partitions"]', { timeout: 15_000 });
  const hot = page.locator('[data-finding="hot-partition"]');
  assert.equal(await hot.count(), 0, `a held partition reported as hot: ${await hot.allTextContents()}`);
  await screenshot(page, 'dashboard-actions-paused.png');

  // Resume: it catches up.
  await page.click('#partitions tr[data-partition="task-created/0"] button[data-action="resume"]');
  await page.waitForSelector('[data-action-done="resume"]');
  assert.equal(held(), false);
  await waitUntil(async () => ((await lagOf(page, 'task-created/0')) ?? 1e9) < 30, {
    timeoutMs: 30_000,
    message: 'the resumed partition catching up',
  });

  // DLQ replay: stop producing, let the group drain, then dry run and execute from the page.
  producing.abort();
  await producer;
  const dlqTopic = 'task-created.dlq';
  await page.waitForSelector(`#dead-letters li[data-dlq-topic="${dlqTopic}"] button[data-action="dry-run"]`, {
    timeout: 30_000,
  });
  const dlqPartitions = await partitionCount(kafka.bootstrapServers, dlqTopic);
  let inDlq = -1;
  await waitUntil(
    async () => {
      const now = await heldMessages(kafka.bootstrapServers, dlqTopic, dlqPartitions);
      const settled = now === inDlq && (await tableOnPage(page)).every((r) => r.lag === 0);
      inDlq = now;
      return settled && now > 0;
    },
    { timeoutMs: 30_000, intervalMs: 1_500, message: 'the DLQ topic settled' },
  );
  await page.click(`#dead-letters li[data-dlq-topic="${dlqTopic}"] button[data-action="dry-run"]`);
  await page.waitForSelector('#replay-result[data-execute="false"]');
  assert.equal(Number(await page.getAttribute('#replay-result', 'data-replayed')), inDlq);
  assert.equal(await page.locator('#replay-result li[data-replay-item]').count(), Math.min(inDlq, 200));
  const endBefore = (await endOffsets(kafka.bootstrapServers, 'task-created', 3)).reduce((a, b) => a + b, 0);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(
    (await endOffsets(kafka.bootstrapServers, 'task-created', 3)).reduce((a, b) => a + b, 0),
    endBefore,
    'a dry run produces nothing',
  );
  page.once('dialog', (d) => d.accept());
  await page.click(`#dead-letters li[data-dlq-topic="${dlqTopic}"] button[data-action="replay"]`);
  await page.waitForSelector('#replay-result[data-execute="true"]', { timeout: 30_000 });
  assert.equal(Number(await page.getAttribute('#replay-result', 'data-replayed')), inDlq);
  await screenshot(page, 'dashboard-actions-replayed.png');
  const moved = async () =>
    (await endOffsets(kafka.bootstrapServers, 'task-created', 3)).reduce((a, b) => a + b, 0) - endBefore;
  assert.equal(await moved(), inDlq, 'each DLQ entry produced back once');
  // Replayed once: a later dry run lists only what was dead-lettered since (the replayed poison
  // events failed again), never an entry the replay took (its progress group).
  const replayed = await page.$$eval('#replay-result li[data-replay-item]', (els) =>
    els.map((e) => (e as HTMLElement).dataset.replayItem),
  );
  const again = await post(withActions.url, '/api/actions/replay', { dlqTopic, execute: false }, `Bearer ${token}`);
  const second = (await again.json()) as {
    summary: { replayed: number };
    items: Array<{ topic: string; partition: number; offset: number }>;
  };
  const since = (await heldMessages(kafka.bootstrapServers, dlqTopic, dlqPartitions)) - inDlq;
  assert.ok(second.summary.replayed <= since, `${JSON.stringify(second.summary)} vs ${since} new`);
  assert.deepEqual(
    second.items.filter((i) => replayed.includes(`${i.topic}/${i.partition}@${i.offset}`)),
    [],
    'no entry is listed for replay twice',
  );
  assert.equal(await moved(), inDlq, 'the dry run produced nothing');
});
