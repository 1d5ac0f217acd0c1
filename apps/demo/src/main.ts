#!/usr/bin/env node
/**
 * `npm run demo`: the embedded Kafka broker, two notification-service instances and a task
 * producer, with a live view. A third instance joins a third of the way in and one leaves at two
 * thirds, so a rebalance happens while events flow; the summary shows duplicates = 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrokerProcess } from '@tributary/broker';
import { startDashboard } from '@tributary/dashboard';
import { type LagSnapshot, OffsetReader, readLag } from '@tributary/lag';
import { readNotificationFiles, type ServiceProcess, spawnServiceProcess } from '@tributary/notification-service';
import { produceTasks } from '@tributary/task-producer';
import { Command, InvalidArgumentError } from 'commander';
import { renderView } from './live-view.js';

const positive = (name: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};
const program = new Command('demo')
  .description('Tributary demo: broker, notification service (2→3→2 instances), task producer, live lag view')
  .option('-d, --duration <seconds>', 'how long the demo runs', positive('--duration'), 60)
  .option('-r, --rate <events/s>', 'task events per second', positive('--rate'), 200)
  .option('--latency <ms>', 'simulated notification delivery time (the seed: 500)', '50')
  .option('--poison <share>', 'share of malformed events (to the DLQ)', '0.01')
  .parse(process.argv);
/** The instances' session timeout (see `startInstance`). */
const DEMO_SESSION_MS = 10_000;

const opts = program.opts<{ duration: number; rate: number; latency: string; poison: string }>();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const durationMs = opts.duration * 1000;
  const tty = process.stdout.isTTY;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log('[demo] starting the embedded broker …');
  const broker = await startBrokerProcess({
    brokers: 1,
    topics: [
      { name: 'task-created', partitions: 6 },
      { name: 'task-completed', partitions: 6 },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'tributary-demo-'));
  const instances = new Map<string, { process: ServiceProcess; port: number }>();
  const events: string[] = [];
  const started = Date.now();
  const at = () => `${Math.round((Date.now() - started) / 1000)}s`;
  // Ports up front, so the dashboard knows every instance's /metrics from the start.
  const ports = new Map<string, number>();
  for (const name of ['i1', 'i2', 'i3']) ports.set(name, await freePort());
  const dashboard = await startDashboard({
    brokers: broker.bootstrapServers,
    group: 'notification-service',
    metrics: [...ports.values()].map((port) => `http://127.0.0.1:${port}/metrics`),
    port: 0,
  });
  events.push(`dashboard: ${dashboard.url}`);
  log(`[demo] dashboard: ${dashboard.url}`);
  const startInstance = async (name: string) => {
    const port = ports.get(name) as number;
    const service = spawnServiceProcess(
      name,
      dir,
      {
        KAFKA_BROKERS: broker.bootstrapServers,
        NOTIFY_LATENCY_MS: opts.latency,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'error',
        // The service's instances are static members: one that stops keeps its partitions for its
        // session, so that a restart gets them back without a rebalance. 45 s (the default) is
        // most of this demo; 10 s shows the same thing sooner.
        SESSION_TIMEOUT_MS: String(DEMO_SESSION_MS),
      },
      'ignore',
    );
    instances.set(name, { process: service, port });
    events.push(`${at()} ${name} started (http://127.0.0.1:${port}/metrics)`);
  };
  const stopInstance = async (name: string) => {
    const instance = instances.get(name);
    if (!instance) return;
    events.push(
      `${at()} ${name} stopping (SIGTERM: drain, commit; a static member, so its partitions wait out its ${DEMO_SESSION_MS / 1000} s session)`,
    );
    const code = await instance.process.stop();
    events.push(`${at()} ${name} stopped (exit ${code})`);
  };
  let interrupted = false;
  const cleanup = async () => {
    await dashboard.close();
    await Promise.all([...instances.values()].map((i) => i.process.stop('SIGTERM')));
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    interrupted = true;
  });

  log('[demo] starting notification-service instances i1, i2 and the task producer …');
  await Promise.all([startInstance('i1'), startInstance('i2')]);
  const controller = new AbortController();
  let progress = { produced: 0, acknowledged: 0, poison: 0, elapsedMs: 0 };
  // Produce for 70% of the run, so the end shows the lag draining to 0.
  const producing = produceTasks({
    brokers: broker.bootstrapServers,
    rate: opts.rate,
    durationMs: durationMs * 0.7,
    poisonShare: Number(opts.poison),
    signal: controller.signal,
    onProgress: (p) => {
      progress = p;
    },
  }).then((p) => {
    progress = p;
    events.push(`${at()} producer done: ${p.produced} events`);
  });

  const owners = async () => {
    const map = new Map<string, string>();
    await Promise.all(
      [...instances].map(async ([name, i]) => {
        const ready = await fetch(`http://127.0.0.1:${i.port}/health/ready`, { signal: AbortSignal.timeout(800) })
          .then((r) => r.json() as Promise<{ groups: Array<{ assigned: string[] }> }>)
          .catch(() => undefined);
        for (const p of ready?.groups.flatMap((g) => g.assigned) ?? []) map.set(p, name);
      }),
    );
    return map;
  };
  const dlqCount = async () => {
    const reader = await OffsetReader.connect(broker.bootstrapServers, 'demo-view');
    try {
      const topics = await reader.topics();
      let n = 0;
      for (const [topic, partitions] of topics)
        if (topic.endsWith('.dlq')) n += (await reader.endOffsets(topic, partitions)).reduce((a, b) => a + b, 0);
      return n;
    } finally {
      await reader.close();
    }
  };
  const notifications = () => readNotificationFiles([...instances.values()].map((i) => i.process.file));
  let lastProduced = 0;
  let lastNotified = 0;
  let drained = false;
  let lag: LagSnapshot[] = [];
  const schedule = { addThird: durationMs / 3, removeSecond: (2 * durationMs) / 3 };
  let added = false;
  let removed = false;
  while (!interrupted) {
    const elapsed = Date.now() - started;
    if (!added && elapsed >= schedule.addThird) {
      added = true;
      await startInstance('i3');
    }
    if (!removed && elapsed >= schedule.removeSecond) {
      removed = true;
      void stopInstance('i2');
    }
    lag = await Promise.all(
      ['task-created', 'task-completed'].map((topic) =>
        readLag({
          brokers: broker.bootstrapServers,
          group: 'notification-service',
          topics: [topic],
          members: false,
        }).catch(() => ({ at: Date.now(), group: 'notification-service', rows: [], totalLag: 0 }) as LagSnapshot),
      ),
    );
    const sent = notifications();
    const ids = new Set(sent.map((n) => n.eventId));
    const view = renderView({
      elapsedS: Math.round(elapsed / 1000),
      durationS: opts.duration,
      produced: progress.acknowledged,
      producedPerS: progress.acknowledged - lastProduced,
      notified: sent.length,
      notifiedPerS: sent.length - lastNotified,
      duplicates: sent.length - ids.size,
      dlq: await dlqCount().catch(() => 0),
      instances: [...instances].filter(([, i]) => i.process.child.exitCode === null).map(([n]) => n),
      lag,
      owners: await owners(),
      events,
    });
    lastProduced = progress.acknowledged;
    lastNotified = sent.length;
    // A terminal gets the full screen redrawn; a pipe or CI log gets one line per second.
    const totals = view.split('\n').filter((l) => l.startsWith('produced') || l.startsWith('lag'));
    process.stdout.write(tty ? `\x1b[2J\x1b[H${view}\n` : `[${Math.round(elapsed / 1000)}s] ${totals.join(' | ')}\n`);
    const totalLag = lag.reduce((n, l) => n + l.totalLag, 0);
    drained = elapsed >= durationMs * 0.7 && totalLag === 0 && progress.acknowledged > 0;
    if (elapsed >= durationMs && (drained || elapsed >= durationMs + 30_000)) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  controller.abort();
  await producing;
  const sent = notifications();
  const unique = new Set(sent.map((n) => n.eventId));
  const dlq = await dlqCount().catch(() => -1);
  const finalLag = lag.reduce((n, l) => n + l.totalLag, 0);
  await cleanup();
  const summary = [
    '',
    'Summary',
    `  events produced     ${progress.acknowledged} (${progress.poison} malformed)`,
    `  notifications sent  ${sent.length} (${unique.size} distinct)`,
    `  duplicates          ${sent.length - unique.size}`,
    `  dead-lettered       ${dlq}`,
    `  final lag           ${finalLag}${interrupted ? ' (interrupted)' : ''}`,
    `  dashboard was at    ${dashboard.url} (stopped with the demo; run \`npx tributary dashboard --help\` for your own)`,
  ];
  process.stdout.write(`${summary.join('\n')}\n`);
  const ok =
    sent.length === unique.size && (interrupted || (finalLag === 0 && unique.size + dlq === progress.acknowledged));
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
