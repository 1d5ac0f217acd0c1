import { type Contender, runSuiteScenario } from '../harness.js';
import 'reflect-metadata';
import { Consume, ConsumerGroup, TributaryApp, TributaryConfigError } from '@tributary/core';
import type { Check } from '@tributary/testing/verify';
import {
  deadLetterChecks,
  eventRecord,
  exactlyOnceChecks,
  type OutgoingRecord,
  type RunResult,
  sleep,
} from '@tributary/testing/verify';

export interface BadInputOptions {
  contender: Contender;
  count: number;
  perSecond: number;
  label?: string;
}

const DOOMED = 'doomed';
const NOT_UTF8 = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]);

/**
 * Every 50th record is odd at the edges, in turn: a null key, a null value (tombstone), a 1 MB
 * value, bytes that are not UTF-8, and headers with odd encodings (binary, empty, repeated keys).
 * Null values and non-UTF-8 bytes cannot be events: they belong in the DLQ. The rest are valid.
 */
export function edgeRecord(n: number): OutgoingRecord {
  const base = eventRecord(n);
  if (n % 50 !== 17) return base;
  switch (Math.floor(n / 50) % 5) {
    case 0:
      return { ...base, key: null };
    case 1:
      return { kind: 'malformed', key: base.key, value: null };
    case 2:
      return { ...base, value: JSON.stringify({ id: `e${n}`, n, pad: 'x'.repeat(1_000_000) }) };
    case 3:
      return { kind: 'malformed', key: base.key, value: NOT_UTF8 };
    default:
      return {
        ...base,
        headers: [
          { 'x-binary': NOT_UTF8 },
          { 'x-empty': '' },
          { 'x-twice': 'first' },
          { 'x-twice': 'second' },
          { 'x-ünïcode': 'ümlaut ✓' },
        ],
      };
  }
}

/** Config typos must fail at bootstrap with a typed error that names the key (checked in this process). */
async function configTypoChecks(brokers: string): Promise<Check[]> {
  @ConsumerGroup('typo-group')
  class TypoHandler {
    @Consume('events')
    on() {}
  }
  const attempt = async (what: string, key: string, config: Parameters<typeof TributaryApp.create>[0]) => {
    try {
      const app = await TributaryApp.create(config);
      await app.stop();
      return { name: `${what}: rejected at bootstrap`, ok: false };
    } catch (err) {
      const ok = err instanceof TributaryConfigError && (err as Error).message.includes(key);
      return { name: `${what}: ${ok ? 'TributaryConfigError naming' : 'no typed error naming'} "${key}"`, ok };
    }
  };
  const base = { brokers, handlers: [TypoHandler], handleSignals: false, logger: { level: 'silent' } };
  return [
    await attempt('group option typo', 'sesionTimeoutMs', {
      ...base,
      groups: { 'typo-group': { sesionTimeoutMs: 3000 } },
    } as never),
    await attempt('librdkafka property typo', 'fetch.max.byts', { ...base, rdkafka: { 'fetch.max.byts': 1024 } }),
  ];
}

/**
 * Scenario 8: bad input at the edges (see `edgeRecord`), a topic deleted while it is consumed, and
 * config typos. Promises: each bad record is a DLQ entry, everything else is processed once, no
 * process dies, and a config typo is a typed error at bootstrap.
 */
export function badInputScenario(o: BadInputOptions): Promise<RunResult> {
  const extra: Check[] = [];
  return runSuiteScenario({
    scenario: o.label ?? '8 bad input: null key/value, 1 MB, non-UTF-8, odd headers, topic deleted, config typos',
    options: {
      name: 's8-edges',
      contender: o.contender,
      partitions: 4,
      extraTopics: [DOOMED],
      producerConfig: { 'message.max.bytes': 4_000_000 },
      env: { PROTOCOL: 'cooperative', DLQ: '1', TOPICS: `events,${DOOMED}` },
    },
    settleMs: 90_000,
    dlq: true,
    body: async (s, notes) => {
      const members = [s.member('m1'), s.member('m2')];
      await s.waitBalanced(30_000, ['events', DOOMED]);
      await s.produce(o.perSecond, { count: 200 }, undefined, DOOMED);
      const producing = s.produce(o.perSecond, { count: o.count }, edgeRecord);
      // Delete the second topic once what it holds was processed, while `events` keeps flowing.
      const deadline = performance.now() + 30_000;
      while (
        (await s.unprocessed()) > 0 &&
        performance.now() < deadline &&
        s.lines().filter((l) => l.t === DOOMED && l.out).length < 200
      )
        await sleep(200);
      await s.broker.deleteTopic(DOOMED);
      notes.push(`topic "${DOOMED}" deleted while subscribed`);
      await producing;
      await sleep(3000);
      const dead = members.filter((m) => !m.alive).map((m) => m.name);
      extra.push({
        name: `processes still running (${dead.length === 0 ? 'all' : `died: ${dead.join(', ')}`})`,
        ok: dead.length === 0,
      });
      if (s.label === 'tributary') extra.push(...(await configTypoChecks(s.broker.bootstrapServers)));
      else
        notes.push('config typos: the KafkaJS-compatible client does not validate its own option names (not checked)');
    },
    expect: (m, s) => [...exactlyOnceChecks(m), ...deadLetterChecks(m, { dlq: s.label === 'tributary' }), ...extra],
  });
}
