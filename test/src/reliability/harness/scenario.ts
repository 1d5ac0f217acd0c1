import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BrokerProcess, startBrokerProcess } from '@tributary/broker';
import { readTopic, startTestRedis, type TestRedis } from '@tributary/testing';
import { analyze, type Measurement } from './analysis.js';
import { type PartitionOffsets, topicOffsets } from './broker-state.js';
import { coordinates, type LogLine, LogReader } from './log-lines.js';
import { type OutgoingRecord, RateProducer } from './rate-producer.js';

export type Contender = 'tributary' | 'naive';

/** Where scenario work directories go (git-ignored); kept on failure or with KEEP_RELIABILITY_LOGS. */
export const RESULTS_DIR = join(__dirname, '..', '..', '..', 'reliability', 'results');
const WORK_DIR = join(RESULTS_DIR, 'tmp');
const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const ENTRY: Record<Contender, string> = {
  tributary: join(FIXTURES, 'reliability-consumer.js'),
  naive: join(FIXTURES, 'reliability-naive.js'),
};

/**
 * Settings of a consumer process (environment of the fixtures), the same keys for both contenders
 * (the naive one ignores what it has no notion of: idempotency, DLQ, in-flight bounds).
 */
export interface ConsumerEnv {
  ORDERING?: 'partition' | 'key' | 'unordered';
  /** Classic protocol assignor family: 'eager' (range/roundrobin) or 'cooperative' (cooperative-sticky). */
  PROTOCOL?: 'eager' | 'cooperative';
  GROUP_PROTOCOL?: 'classic' | 'consumer';
  /** Static membership: `group.instance.id`. */
  STATIC_ID?: string;
  SESSION_MS?: string;
  HEARTBEAT_MS?: string;
  MAX_POLL_MS?: string;
  /** Handler time per message (0: one event-loop turn). */
  DELAY_MS?: string;
  /** Every SLOW_EVERY-th event (n % SLOW_EVERY === SLOW_EVERY - 1) takes SLOW_MS instead. */
  SLOW_EVERY?: string;
  SLOW_MS?: string;
  MAX_IN_FLIGHT?: string;
  CONCURRENCY?: string;
  COMMIT_MS?: string;
  IDEMPOTENCY?: 'redis' | 'memory' | 'off';
  LEASE_MS?: string;
  DLQ?: '1' | '0';
  RETRIES?: string;
  TOPICS?: string;
  LOG_LEVEL?: string;
}

export interface Member {
  readonly name: string;
  readonly child: ChildProcess;
  readonly env: ConsumerEnv;
  readonly startedAt: number;
  exitedAt?: number;
  readonly exited: Promise<number | null>;
  readonly alive: boolean;
  /** Sends `signal` (SIGTERM: graceful) and resolves with the exit code (-1 when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ScenarioOptions {
  /** Scenario id, e.g. 's1-scale-eager'. */
  name: string;
  contender: Contender;
  partitions?: number;
  brokers?: number;
  /** Start a throwaway redis-server (the members get REDIS_URL). */
  redis?: boolean;
  /** Settings for every member. */
  env?: ConsumerEnv;
  /** Topics besides `events` (same partition count). */
  extraTopics?: string[];
  /** librdkafka settings of the scenario's producer (e.g. a larger `message.max.bytes`). */
  producerConfig?: Record<string, string | number | boolean>;
}

const live = new Set<ChildProcess>();
// Whatever happens to the test process, no consumer outlives it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * One reliability scenario run: an embedded broker in its own process (fault controls over IPC),
 * optionally Redis, consumer processes of one contender, one producer, and the analysis of what the
 * members logged against what the broker acknowledged and holds. `cleanup()` kills what is left,
 * even after a failure.
 */
export class Scenario {
  readonly group: string;
  readonly topic = 'events';
  readonly members: Member[] = [];
  readonly dir: string;
  private readonly readers = new Map<string, LogReader>();
  private producerReady?: Promise<RateProducer>;
  private readonly startedAt = Date.now();

  private constructor(
    readonly options: ScenarioOptions,
    readonly broker: BrokerProcess,
    readonly redis?: TestRedis,
  ) {
    this.group = `${options.name}-${options.contender}`;
    this.dir = join(WORK_DIR, `${this.group}-${Date.now()}`);
    mkdirSync(this.dir, { recursive: true });
  }

  static async start(options: ScenarioOptions): Promise<Scenario> {
    const partitions = options.partitions ?? 6;
    const topics = ['events', ...(options.extraTopics ?? [])].map((name) => ({
      name,
      partitions,
      replicationFactor: 1,
    }));
    const broker = await startBrokerProcess({ brokers: options.brokers ?? 1, topics });
    let redis: TestRedis | undefined;
    try {
      redis = options.redis ? await startTestRedis() : undefined;
    } catch (err) {
      await broker.stop();
      throw err;
    }
    return new Scenario(options, broker, redis);
  }

  get partitions(): number {
    return this.options.partitions ?? 6;
  }

  get contender(): Contender {
    return this.options.contender;
  }

  /** Starts a consumer process named `name` (its log is `<dir>/<name>.jsonl`; names are unique per scenario). */
  member(name: string, env: ConsumerEnv = {}): Member {
    if (this.readers.has(name)) throw new Error(`member name ${name} already used in ${this.group}`);
    const logFile = join(this.dir, `${name}.jsonl`);
    this.readers.set(name, new LogReader(logFile));
    const merged = { ...this.options.env, ...env };
    const out = openSync(join(this.dir, `${name}.out`), 'a');
    const child = spawn(process.execPath, [ENTRY[this.options.contender]], {
      env: {
        ...process.env,
        BROKERS: this.broker.bootstrapServers,
        GROUP: this.group,
        INSTANCE: name,
        LOG: logFile,
        ...(this.redis ? { REDIS_URL: this.redis.url } : {}),
        ...merged,
      },
      stdio: ['ignore', out, out],
      detached: false,
    });
    closeSync(out);
    live.add(child);
    let exitedAt: number | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        exitedAt = Date.now();
        resolve(code ?? (signal ? -1 : null));
      }),
    );
    const member: Member = {
      name,
      child,
      env: merged,
      startedAt: Date.now(),
      get exitedAt() {
        return exitedAt;
      },
      exited,
      get alive() {
        return child.exitCode === null && child.signalCode === null;
      },
      stop: (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    this.members.push(member);
    return member;
  }

  liveMembers(): Member[] {
    return this.members.filter((m) => m.alive);
  }

  /** The scenario's producer (connected on first use). */
  producer(): Promise<RateProducer> {
    this.producerReady ??= RateProducer.connect(this.broker.bootstrapServers, this.options.producerConfig);
    return this.producerReady;
  }

  /** Produces events to `events` at `perSecond` (see RateProducer.produce); resolves when all were acknowledged. */
  async produce(
    perSecond: number,
    limit: { count?: number; until?: () => boolean },
    build?: (n: number) => OutgoingRecord,
    topic = this.topic,
  ): Promise<number> {
    const producer = await this.producer();
    return producer.produce(topic, perSecond, limit, build);
  }

  /** Every line logged so far by every member (read incrementally). */
  lines(): LogLine[] {
    return [...this.readers.values()].flatMap((r) => r.read());
  }

  linesOf(name: string): LogLine[] {
    return this.readers.get(name)?.read() ?? [];
  }

  /** Partitions each live member owns now, from its assigned/revoked/lost events. */
  ownership(): Map<string, Set<string>> {
    const owned = new Map<string, Set<string>>();
    for (const m of this.liveMembers()) {
      const mine = new Set<string>();
      for (const l of this.linesOf(m.name)) {
        if (l.ev === 'assigned') {
          // Eager assignments (and the naive consumer's) are the full set; cooperative ones add.
          if (m.env.PROTOCOL === 'eager' && m.env.GROUP_PROTOCOL !== 'consumer') mine.clear();
          for (const tp of l.tps ?? []) mine.add(tp);
        } else if (l.ev === 'revoked' || l.ev === 'lost') for (const tp of l.tps ?? []) mine.delete(tp);
      }
      owned.set(m.name, mine);
    }
    return owned;
  }

  /**
   * Waits until every partition of `topics` has exactly one live owner and every live member owns
   * its fair share (at least ⌊P/N⌋): the group converged.
   */
  async waitBalanced(timeoutMs: number, topics = [this.topic]): Promise<void> {
    const all = topics.flatMap((t) => Array.from({ length: this.partitions }, (_, p) => `${t}/${p}`));
    const deadline = performance.now() + timeoutMs;
    let state = '';
    while (performance.now() < deadline) {
      const owned = this.ownership();
      const counts = new Map<string, number>();
      for (const set of owned.values()) for (const tp of set) counts.set(tp, (counts.get(tp) ?? 0) + 1);
      const fair = Math.floor(all.length / Math.max(1, owned.size));
      const balanced = all.every((tp) => counts.get(tp) === 1) && [...owned.values()].every((set) => set.size >= fair);
      if (balanced && owned.size > 0) return;
      state = JSON.stringify([...owned].map(([name, set]) => [name, [...set]]));
      await sleep(200);
    }
    throw new Error(`${this.group}: group did not converge within ${timeoutMs} ms; ownership ${state}`);
  }

  /** Waits for a lifecycle event of one member. */
  async waitForEvent(name: string, ev: string, timeoutMs: number, after = 0): Promise<LogLine> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const found = this.linesOf(name).find((l) => l.ev === ev && l.ts >= after);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`${this.group}: ${name} logged no "${ev}" within ${timeoutMs} ms`);
  }

  /** Broker offsets of each consumed topic for this group. */
  async offsets(topics = [this.topic]): Promise<Map<string, PartitionOffsets[]>> {
    const entries = await Promise.all(
      topics.map(
        async (t) => [t, await topicOffsets(this.broker.bootstrapServers, this.group, t, this.partitions)] as const,
      ),
    );
    return new Map(entries);
  }

  /** Produced records without a final outcome in any log (quick check, no broker round trip). */
  async unprocessed(): Promise<number> {
    const producer = await this.producer();
    const seen = new Set(
      this.lines().flatMap((l) => (l.out && l.t !== undefined ? [coordinates(l.t, l.p as number, l.o as number)] : [])),
    );
    let missing = 0;
    for (const r of producer.records.values()) if (!seen.has(coordinates(r.topic, r.partition, r.offset))) missing += 1;
    return missing;
  }

  /**
   * Waits until every produced record has an outcome and the committed offsets reached the log end.
   * Returns false on timeout (the result then shows what is missing).
   */
  async settle(timeoutMs: number, topics = [this.topic]): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await this.unprocessed()) === 0) {
        const offsets = await this.offsets(topics).catch(() => undefined);
        if (offsets && [...offsets.values()].every((ps) => ps.every((o) => o.committed >= o.high))) return true;
      }
      await sleep(500);
    }
    return false;
  }

  /** Coordinates (`topic/partition@offset`) of the originals found in `<topic>.dlq` with their error in headers. */
  async deadLettered(expected: number, timeoutMs = 15_000, topic = this.topic): Promise<Set<string>> {
    if (expected === 0) return new Set();
    const messages = await readTopic(this.broker.bootstrapServers, `${topic}.dlq`, expected, timeoutMs).catch(() => []);
    const found = new Set<string>();
    for (const m of messages) {
      const h = Object.assign({}, ...(m.headers ?? [])) as Record<string, Buffer>;
      const t = h['x-tributary-dlq-original-topic']?.toString();
      const p = h['x-tributary-dlq-original-partition']?.toString();
      const o = h['x-tributary-dlq-original-offset']?.toString();
      // Counted only with the error that sent it there: a DLQ entry nobody can diagnose is no better than a drop.
      const explained = h['x-tributary-dlq-error-class'] && h['x-tributary-dlq-error-message'];
      if (t && p && o && explained) found.add(coordinates(t, Number(p), Number(o)));
    }
    return found;
  }

  /** Measures the run (call after `settle`). */
  async measure(dlq: Set<string> = new Set(), topics = [this.topic]): Promise<Measurement> {
    const producer = await this.producer();
    const offsets = await this.offsets(topics);
    return analyze(producer.records.values(), this.lines(), offsets, dlq);
  }

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** The last lines of each member's stdout/stderr, for a failure message. */
  diagnostics(lines = 15): string {
    return this.members
      .map((m) => {
        const file = join(this.dir, `${m.name}.out`);
        const text = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n') : '';
        return text ? `--- ${m.name} ---\n${text}` : '';
      })
      .filter(Boolean)
      .join('\n');
  }

  /** Kills every process the scenario started; removes the work directory unless `keep`. */
  async cleanup(keep = false): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop('SIGKILL')));
    if (this.producerReady) await (await this.producerReady.catch(() => undefined))?.disconnect();
    await this.broker.stop().catch(() => this.broker.kill());
    await this.redis?.stop();
    if (keep || process.env.KEEP_RELIABILITY_LOGS)
      process.stderr.write(`[reliability] ${this.group}: logs kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
