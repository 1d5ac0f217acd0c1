import type { Message, MessageHeader } from '@confluentinc/kafka-javascript';
import { KafkaIoError } from './kafka-io-error.js';

/**
 * The headers @tributary/middleware's deadLetter() adds to a dead-lettered copy (its DlqHeader;
 * test/src/cli/dlq-cli.test.ts runs the middleware and this command together). The original
 * headers are kept beside them untouched.
 */
export const DlqHeader = {
  originalTopic: 'x-tributary-dlq-original-topic',
  originalPartition: 'x-tributary-dlq-original-partition',
  originalOffset: 'x-tributary-dlq-original-offset',
  originalTimestamp: 'x-tributary-dlq-original-timestamp',
  group: 'x-tributary-dlq-group',
  handler: 'x-tributary-dlq-handler',
  errorClass: 'x-tributary-dlq-error-class',
  errorMessage: 'x-tributary-dlq-error-message',
  errorStack: 'x-tributary-dlq-error-stack',
  attempts: 'x-tributary-dlq-attempts',
  validationIssues: 'x-tributary-dlq-validation-issues',
  failedAt: 'x-tributary-dlq-failed-at',
} as const;

const DLQ_PREFIX = 'x-tributary-dlq-';

/** Added by `dlq replay`: how many times this message was replayed from a DLQ. */
export const REPLAY_COUNT_HEADER = 'x-tributary-replay-count';

/** What a DLQ entry's headers tell, read once. */
export interface DlqEntry {
  message: Message;
  /** Every header, the DLQ's and the original ones, in order. */
  headers: Array<[string, Buffer]>;
  errorClass: string;
  originalTopic?: string;
  originalPartition?: number;
  group?: string;
  handler?: string;
}

export const UNKNOWN_CLASS = '(no error class)';

export function parseDlqMessage(message: Message): DlqEntry {
  const headers = headerPairs(message.headers);
  const text = (name: string) => headers.find(([k]) => k === name)?.[1].toString('utf8');
  const partition = text(DlqHeader.originalPartition);
  return {
    message,
    headers,
    errorClass: text(DlqHeader.errorClass) || UNKNOWN_CLASS,
    originalTopic: text(DlqHeader.originalTopic) || undefined,
    originalPartition: partition !== undefined && /^\d+$/.test(partition) ? Number(partition) : undefined,
    group: text(DlqHeader.group),
    handler: text(DlqHeader.handler),
  };
}

/** The DLQ's own headers of an entry (what went wrong, where it came from). */
export function errorHeaders(entry: DlqEntry): Array<[string, string]> {
  return entry.headers.filter(([k]) => k.startsWith(DLQ_PREFIX)).map(([k, v]) => [k, v.toString('utf8')]);
}

/**
 * The headers a replayed message carries: the original ones (the DLQ's removed) and the replay
 * count, one more than the entry had.
 */
export function replayHeaders(entry: DlqEntry): Array<[string, Buffer]> {
  const original = entry.headers.filter(([k]) => !k.startsWith(DLQ_PREFIX) && k !== REPLAY_COUNT_HEADER);
  const previous = Number(entry.headers.find(([k]) => k === REPLAY_COUNT_HEADER)?.[1].toString('utf8'));
  const count = Number.isInteger(previous) && previous > 0 ? previous + 1 : 1;
  return [...original, [REPLAY_COUNT_HEADER, Buffer.from(String(count))]];
}

const FILTER_FIELDS = {
  'error-class': (e: DlqEntry) => e.errorClass,
  'original-topic': (e: DlqEntry) => e.originalTopic,
  group: (e: DlqEntry) => e.group,
  handler: (e: DlqEntry) => e.handler,
} as const;

export interface DlqFilter {
  field: keyof typeof FILTER_FIELDS;
  value: string;
  /** The filter as given, e.g. `error-class=ZodError`. */
  text: string;
}

/** `--filter field=value`, field one of error-class, original-topic, group, handler. */
export function parseFilter(text: string | undefined): DlqFilter | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf('=');
  const field = text.slice(0, at);
  if (at < 1 || !(field in FILTER_FIELDS))
    throw new KafkaIoError(`--filter must be ${Object.keys(FILTER_FIELDS).join('|')}=<value>, got "${text}"`, 'input');
  return { field: field as DlqFilter['field'], value: text.slice(at + 1), text };
}

export function matchesFilter(entry: DlqEntry, filter: DlqFilter | undefined): boolean {
  return filter === undefined || FILTER_FIELDS[filter.field](entry) === filter.value;
}

/** Header pairs with Buffer values, in order (a header may repeat). */
export function headerPairs(headers: MessageHeader[] | undefined): Array<[string, Buffer]> {
  return (headers ?? []).flatMap((header) =>
    Object.entries(header).map(([key, value]): [string, Buffer] => [
      key,
      Buffer.isBuffer(value) ? value : Buffer.from(value),
    ]),
  );
}
