import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { type BrokerProcess, startBrokerProcess } from '@tributary/broker';
import { nestServiceMain } from '@tributary/nest-notification-service';
import {
  readNotificationFiles,
  type ServiceProcess,
  serviceMain,
  spawnServiceProcess,
} from '@tributary/notification-service';
import { produceTasks } from '@tributary/task-producer';
import { committedOffsets, endOffsets, waitUntil } from '@tributary/testing';

/**
 * The same service twice: apps/notification-service (tsyringe, its own signal handling: exit 0) and
 * apps/nest-notification-service (Nest providers, Nest's shutdown hooks: a graceful stop re-raises
 * SIGTERM). Each on a broker of its own; the same scenario and the same assertions.
 */
const services = [
  { name: 'notification-service', main: serviceMain, graceful: 0 },
  { name: 'nest-notification-service', main: nestServiceMain, graceful: 'SIGTERM' },
] as const;

for (const service of services) {
  describe(service.name, () => {
    let broker: BrokerProcess;
    let dir: string;
    const instances: ServiceProcess[] = [];
    before(async () => {
      broker = await startBrokerProcess({
        brokers: 1,
        topics: [
          { name: 'task-created', partitions: 6 },
          { name: 'task-completed', partitions: 6 },
        ],
      });
      dir = mkdtempSync(join(tmpdir(), 'notification-scale-'));
    });
    after(async () => {
      await Promise.all(instances.map((i) => i.stop('SIGKILL')));
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    test('3 service processes, 20,000 events, scaling 1→3→1 while producing: every event notified exactly once', (t) =>
      scaleScenario(t, broker, dir, instances, service));
  });
}

async function scaleScenario(
  t: TestContext,
  broker: BrokerProcess,
  dir: string,
  instances: ServiceProcess[],
  service: (typeof services)[number],
) {
  // Errors only: 100 dead-lettered events would print 100 warnings with their stacks.
  const env = { KAFKA_BROKERS: broker.bootstrapServers, NOTIFY_LATENCY_MS: '5', LOG_LEVEL: 'error' };
  const manifest = join(dir, 'manifest.jsonl');
  const start = (name: string) => {
    const instance = spawnServiceProcess(name, dir, env, 'inherit', service.main);
    instances.push(instance);
    return instance;
  };
  const first = start('i1');
  const producing = produceTasks({
    brokers: broker.bootstrapServers,
    rate: 1000,
    count: 20_000,
    poisonShare: 0.005,
    seed: 7,
    manifest,
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const second = start('i2');
  const third = start('i3');
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  assert.equal(await second.stop(), service.graceful, 'i2 stopped gracefully');
  assert.equal(await third.stop(), service.graceful, 'i3 stopped gracefully');
  const produced = await producing;
  t.diagnostic(`produced ${produced.produced} (${produced.poison} malformed) in ${produced.elapsedMs} ms`);

  const events = readFileSync(manifest, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { eventId?: string; poison: boolean });
  const expected = new Set(events.filter((e) => !e.poison).map((e) => e.eventId as string));
  assert.equal(events.length, 20_000);
  const files = instances.map((i) => i.file);
  await waitUntil(() => new Set(readNotificationFiles(files).map((n) => n.eventId)).size >= expected.size, {
    timeoutMs: 90_000,
    intervalMs: 500,
    message: () =>
      `all ${expected.size} notifications (have ${new Set(readNotificationFiles(files).map((n) => n.eventId)).size})`,
  });
  const notifications = readNotificationFiles(files);
  const counts = new Map<string, number>();
  for (const n of notifications) counts.set(n.eventId, (counts.get(n.eventId) ?? 0) + 1);
  assert.deepEqual(
    [...counts.entries()].filter(([, c]) => c > 1),
    [],
    'no notification sent twice',
  );
  assert.deepEqual(
    [...expected].filter((id) => !counts.has(id)),
    [],
    'none missing',
  );
  assert.equal(counts.size, expected.size);
  const byInstance = new Map<string, number>();
  for (const n of notifications) byInstance.set(n.instance, (byInstance.get(n.instance) ?? 0) + 1);
  t.diagnostic(`notifications per instance: ${JSON.stringify(Object.fromEntries(byInstance))}`);
  assert.equal(byInstance.size, 3, 'all three instances worked');

  // Malformed events went to the DLQ, and the group's commits reach the end of both topics.
  await waitUntil(
    async () => {
      const [created, ends] = await Promise.all([
        committedOffsets(broker.bootstrapServers, 'notification-service', 'task-created', 6),
        endOffsets(broker.bootstrapServers, 'task-created', 6),
      ]);
      return created.every((c, p) => c === ends[p]);
    },
    { timeoutMs: 20_000, message: 'commits at the log end' },
  );
  const dlq = await endOffsets(broker.bootstrapServers, 'task-created.dlq', 4).catch(() => [] as number[]);
  assert.equal(
    dlq.reduce((a, b) => a + b, 0),
    produced.poison,
    'every malformed event dead-lettered',
  );
  assert.equal(await first.stop(), service.graceful);
}
