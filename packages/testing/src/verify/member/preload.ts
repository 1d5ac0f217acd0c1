/**
 * Loaded with `node --require` into every process `verifyDelivery` starts for the user's app. It
 * wraps `TributaryApp.create` of the app's own copy of @tributary/core so that every app the process
 * creates (a) connects to the run's embedded broker, (b) has the kit's recorder as its outermost,
 * app-wide middleware — counting never depends on the user's handler — and (c) reports its
 * assignments and commits. With TRIBUTARY_VERIFY_PROBE set it writes the app's group descriptions
 * and exits instead (how the kit learns topics, group, ordering, maxInFlight and commit interval).
 * An app without @tributary/core is left alone (it records itself, see record.ts).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { GroupDescription, MessageContext, TributaryApp, TributaryAppConfig } from '@tributary/core';
import { type HandledOutcome, handling, recordAssignment, recordLine, VERIFY_ENV } from './record.js';

type Next = () => Promise<void>;

function slowSetting(): { every: number; ms: number } | undefined {
  const [every, ms] = (process.env[VERIFY_ENV.slow] ?? '').split(':').map(Number);
  return every && ms ? { every, ms } : undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      done();
    });
  });

/** Outermost middleware: one line per message that reached a final outcome (an error is retried, not an outcome). */
export function recorderMiddleware(slow = slowSetting()) {
  return async (ctx: MessageContext, next: Next): Promise<void> => {
    const m = ctx.message;
    // The slow-handler scenario: some messages take longer than the app's max.poll.interval.ms.
    if (slow && m.offset % slow.every === slow.every - 1 && ctx.attempt <= 1) await sleep(slow.ms, ctx.signal);
    await handling.run(m, next);
    const key = m.key === null || m.key === undefined ? null : String(m.key);
    recordLine({ t: m.topic, p: m.partition, o: m.offset, k: key, out: (ctx.outcome ?? 'done') as HandledOutcome });
  };
}

function recordEvents(app: TributaryApp, groups: GroupDescription[]): void {
  const eager = new Set(
    groups.filter((g) => g.groupProtocol === 'classic' && g.rebalanceProtocol === 'eager').map((g) => g.groupId),
  );
  app.events.on('partitions.assigned', (e) =>
    recordAssignment('assigned', e.partitions, { eager: eager.has(e.groupId) }),
  );
  app.events.on('partitions.revoked', (e) => recordAssignment('revoked', e.partitions));
  app.events.on('partitions.lost', (e) => recordAssignment('lost', e.partitions));
  app.events.on('offsets.committed', (e) =>
    recordLine({ ev: 'committed', g: e.groupId, offs: e.offsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]) }),
  );
  app.events.on('offsets.reset', (e) => recordLine({ ev: 'offset-reset', tp: `${e.topic}/${e.partition}` }));
  app.events.on('group.error', (e) => recordLine({ ev: 'error', error: e.error.message.slice(0, 200) }));
}

function install(): void {
  const appFile = process.argv[1];
  let core: { TributaryApp: typeof TributaryApp };
  try {
    core = createRequire(resolve(appFile ?? 'index.js'))('@tributary/core');
  } catch {
    return; // not a Tributary app: it records itself
  }
  const Original = core.TributaryApp;
  const create = Original.create.bind(Original);
  Original.create = async (config: TributaryAppConfig): Promise<TributaryApp> => {
    const brokers = process.env[VERIFY_ENV.brokers];
    const app = await create({
      ...config,
      ...(brokers ? { brokers } : {}),
      middleware: [recorderMiddleware(), ...(config.middleware ?? [])],
    });
    const groups = app.describeGroups();
    const probe = process.env[VERIFY_ENV.probe];
    if (probe) {
      writeFileSync(probe, JSON.stringify(groups));
      process.exit(0);
    }
    recordLine({ ev: 'app', groups });
    recordEvents(app, groups);
    return app;
  };
}

install();
