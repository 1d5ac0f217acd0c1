import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrokerProcess, startBrokerProcess } from '@tributary/broker';
import { readTopic } from '../read-topic.js';
import { startTestRedis, type TestRedis } from '../redis.js';
import { analyze, type Measurement } from './analysis.js';
import { lagOf, type PartitionOffsets, topicOffsets } from './broker-state.js';
import { coordinates, type LogLine, LogReader } from './log-lines.js';
import { VERIFY_ENV } from './member/record.js';
import { type Member, spawnMember } from './member-process.js';
import { type OutgoingRecord, RateProducer } from './rate-producer.js';

/** The recorder every TributaryApp member gets (`node --require`). */
export const RECORDER_PRELOAD = join(__dirname, 'member', 'preload.js');

export type { Member };

export interface ScenarioOptions {
  /** Run id, e.g. 's1-scale-eager' (names the work directory). */
  name: string;
  /** What runs, for the report's consumer column ('tributary', 'naive', the app's name). */
  label: string;
  /** The member process's entry module. */
  entry: string;
  /** Preload the kit's recorder (default true): off only for apps that record themselves. */
  record?: boolean;
  /** The consumer group whose committed offsets count. */
  group: string;
  /** Topics the members consume (created with `partitions` each); the first is the default target. */
  topics: string[];
  partitions?: number;
  brokers?: number;
  /** Topics to create besides `topics` (e.g. a DLQ). */
  extraTopics?: string[];
  /** Start a throwaway redis-server (the members get REDIS_URL). */
  redis?: boolean;
  /** Environment of every member (`{instance}` in a value is the member's logical instance). */
  env?: Record<string, string | undefined>;
  /** librdkafka settings of the scenario's producer (e.g. a larger `message.max.bytes`). */
  producerConfig?: Record<string, string | number | boolean>;
  /** Where the run's directory goes (default: the OS temp dir); kept on failure or with KEEP_RELIABILITY_LOGS. */
  workDir?: string;
}

/**
 * One reliability scenario run: an embedded broker in its own process (fault controls over IPC),
 * optionally Redis, consumer processes of one contender, one producer, and the analysis of what the
 * members logged against what the broker acknowledged and holds. `cleanup()` kills what is left,
 * even after a failure.
 */
export class Scenario {
  readonly group: string;
  readonly topic: string;
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
    this.group = options.group;
    this.topic = options.topics[0] as string;
    this.dir = join(options.workDir ?? join(tmpdir(), 'tributary-verify'), `${options.name}-${Date.now()}`);
    mkdirSync(this.dir, { recursive: true });
  }

  static async start(options: ScenarioOptions): Promise<Scenario> {
    const partitions = options.partitions ?? 6;
    const topics = [...options.topics, ...(options.extraTopics ?? [])].map((name) => ({
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

  get label(): string {
    return this.options.label;
  }

  /**
   * Starts a member process named `name` (its log is `<dir>/<name>.jsonl`; names are unique per
   * scenario) playing logical instance `instance` (default: `name`).
   */
  member(name: string, env: Record<string, string | undefined> = {}, instance = name): Member {
    if (this.readers.has(name)) throw new Error(`member name ${name} already used in ${this.group}`);
    const logFile = join(this.dir, `${name}.jsonl`);
    this.readers.set(name, new LogReader(logFile));
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.options.env, ...env }))
      if (v !== undefined) merged[k] = v.replaceAll('{instance}', instance);
    const member = spawnMember({
      name,
      instance,
      argv: [...(this.options.record === false ? [] : ['--require', RECORDER_PRELOAD]), this.options.entry],
      out: join(this.dir, `${name}.out`),
      env: {
        KAFKA_BROKERS: this.broker.bootstrapServers,
        [VERIFY_ENV.brokers]: this.broker.bootstrapServers,
        [VERIFY_ENV.instance]: name,
        [VERIFY_ENV.log]: logFile,
        ...(this.redis ? { REDIS_URL: this.redis.url } : {}),
        ...merged,
      },
    });
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
          // Eager assignments are the full set; cooperative ones add.
          if (l.eager) mine.clear();
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
  async waitBalanced(timeoutMs: number, topics = this.options.topics): Promise<void> {
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
  async offsets(topics = this.options.topics): Promise<Map<string, PartitionOffsets[]>> {
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
  async settle(timeoutMs: number, topics = this.options.topics): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await this.unprocessed()) === 0) {
        const offsets = await this.offsets(topics).catch(() => undefined);
        // Lag 0 everywhere (a partition that never had a record needs no commit).
        if (offsets && [...offsets.values()].every((ps) => lagOf(ps) === 0)) return true;
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
  async measure(dlq: Set<string> = new Set(), topics = this.options.topics): Promise<Measurement> {
    const producer = await this.producer();
    const offsets = await this.offsets(topics);
    const crashed = new Set(this.members.filter((m) => m.crashed).map((m) => m.name));
    return analyze(producer.records.values(), this.lines(), offsets, dlq, crashed);
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
      process.stderr.write(`[verify] ${this.group}: logs kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
