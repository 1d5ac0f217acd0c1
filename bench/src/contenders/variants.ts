import type { ContenderKind, TributarySettings } from './types.js';

/** A row of the tables: a client, and for Tributary its ordering, middleware and settings. */
export interface Contender {
  name: string;
  kind: ContenderKind;
  tributary?: TributarySettings;
  setup: string;
}

/**
 * Tributary's settings for throughput runs: polls as large as the raw loop's `consume(5000)`, and
 * enough room in memory that a partition's share (maxInFlight / partitions) holds a whole poll.
 */
export const TRIBUTARY_THROUGHPUT = { concurrency: 64, maxInFlight: 60_000, batchSize: 5000 } as const;

const tributary = (ordering: TributarySettings['ordering'], middleware: boolean): Contender => ({
  name: `tributary-${ordering}${middleware ? '+mw' : ''}`,
  kind: 'tributary',
  tributary: { ordering, middleware, ...TRIBUTARY_THROUGHPUT },
  setup: `ordering ${ordering}, ${middleware ? 'default middleware + metrics' : 'no middleware'}, batchSize ${TRIBUTARY_THROUGHPUT.batchSize}, maxInFlight ${TRIBUTARY_THROUGHPUT.maxInFlight}, concurrency ${TRIBUTARY_THROUGHPUT.concurrency}`,
});

export const NOOP_CONTENDERS: Contender[] = [
  { name: 'raw', kind: 'raw', setup: 'KafkaConsumer consume(5000) loop, async commit per batch' },
  { name: 'ckjs-kafkajs', kind: 'ckjs-kafkajs', setup: 'KafkaJS-compatible eachMessage, 12 partitions concurrently' },
  { name: 'ckjs-eachbatch', kind: 'ckjs-eachbatch', setup: 'KafkaJS-compatible eachBatch, 12 partitions concurrently' },
  { name: 'kafkajs', kind: 'kafkajs', setup: 'kafkajs eachMessage, partitionsConsumedConcurrently 12' },
  { name: 'nestjs', kind: 'nestjs', setup: '@EventPattern over the kafkajs transport, 12 partitions concurrently' },
  {
    name: 'tributary-key nest',
    kind: 'tributary-nest',
    tributary: { ordering: 'key', middleware: false, ...TRIBUTARY_THROUGHPUT },
    setup: `inside Nest (@tributary/nestjs, the handler a Nest provider), ordering key, no middleware, batchSize ${TRIBUTARY_THROUGHPUT.batchSize}, maxInFlight ${TRIBUTARY_THROUGHPUT.maxInFlight}, concurrency ${TRIBUTARY_THROUGHPUT.concurrency}`,
  },
  tributary('partition', false),
  tributary('partition', true),
  tributary('key', false),
  tributary('key', true),
  tributary('unordered', false),
  tributary('unordered', true),
  {
    name: 'tributary-defaults',
    kind: 'tributary',
    tributary: { ordering: 'partition', middleware: false },
    setup: 'ordering partition, no middleware, default settings (batchSize 500, maxInFlight 1000, concurrency 16)',
  },
];

/** What `--quick` runs (exact names across the workloads): one or two rows of each kind. */
export const QUICK_CONTENDERS = new Set([
  'raw',
  'raw tuned',
  'tributary-defaults',
  'tributary-defaults+mw',
  'tributary-key pc',
  'tributary-unordered pc',
  'tributary-key c64',
  'tributary-key c256',
  'tributary-key c1000',
  'kafkajs',
  'nestjs',
  'tributary-key nest',
  'tributary-partition',
  'tributary-key',
  'tributary-key+mw',
  'tributary-key fast',
  'tributary cooperative',
  'raw eager + sync commit',
]);

/** `--only raw,tributary` selects raw and every tributary-* row; an exact name selects one row. */
export function matchesOnly(name: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => name === o || ['-', '+', ' '].some((sep) => name.startsWith(`${o}${sep}`)));
}
