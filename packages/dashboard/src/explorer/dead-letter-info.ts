import type { RenderedBytes } from './render-bytes.js';

/**
 * The failure a dead-lettered message carries in its headers. The names are those
 * `@tributary/middleware`'s deadLetter() writes (packages/middleware/src/dead-letter/dlq-headers.ts,
 * `DlqHeader`); the end-to-end test reads a message it dead-lettered.
 */
export interface DeadLetterInfo {
  errorClass?: string;
  errorMessage?: string;
  /** `topic/partition@offset` it came from. */
  origin?: string;
  originalTimestamp?: string;
  group?: string;
  handler?: string;
  attempts?: string;
  failedAt?: string;
  validationIssues?: string;
  stack?: string;
}

export const DLQ_HEADER_PREFIX = 'x-tributary-dlq-';

const FIELDS: Record<string, keyof DeadLetterInfo> = {
  'error-class': 'errorClass',
  'error-message': 'errorMessage',
  'original-timestamp': 'originalTimestamp',
  group: 'group',
  handler: 'handler',
  attempts: 'attempts',
  'failed-at': 'failedAt',
  'validation-issues': 'validationIssues',
  'error-stack': 'stack',
};

/** The DLQ headers of a message, or undefined when it has none (it is not a dead letter). */
export function deadLetterInfo(headers: Array<{ name: string; value: RenderedBytes }>): DeadLetterInfo | undefined {
  const dlq = new Map<string, string>();
  for (const h of headers)
    if (h.name.startsWith(DLQ_HEADER_PREFIX) && h.value.kind === 'text')
      dlq.set(h.name.slice(DLQ_HEADER_PREFIX.length), h.value.text);
  if (dlq.size === 0) return undefined;
  const info: DeadLetterInfo = {};
  for (const [suffix, field] of Object.entries(FIELDS)) {
    const value = dlq.get(suffix);
    if (value !== undefined) info[field] = value;
  }
  const topic = dlq.get('original-topic');
  if (topic !== undefined)
    info.origin = `${topic}/${dlq.get('original-partition') ?? '?'}@${dlq.get('original-offset') ?? '?'}`;
  return info;
}
