import { DlqHeader } from '@tributary/lag';
import type { RenderedBytes } from './render-bytes.js';

const DLQ_PREFIX = 'x-tributary-dlq-';

/**
 * The failure a dead-lettered message carries in its headers, by `@tributary/lag`'s `DlqHeader` (the
 * names `@tributary/middleware`'s deadLetter() writes; the end-to-end test reads a message it
 * dead-lettered).
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

const FIELDS: Array<[string, keyof DeadLetterInfo]> = [
  [DlqHeader.errorClass, 'errorClass'],
  [DlqHeader.errorMessage, 'errorMessage'],
  [DlqHeader.originalTimestamp, 'originalTimestamp'],
  [DlqHeader.group, 'group'],
  [DlqHeader.handler, 'handler'],
  [DlqHeader.attempts, 'attempts'],
  [DlqHeader.failedAt, 'failedAt'],
  [DlqHeader.validationIssues, 'validationIssues'],
  [DlqHeader.errorStack, 'stack'],
];

/** The DLQ headers of a message, or undefined when it has none (it is not a dead letter). */
export function deadLetterInfo(headers: Array<{ name: string; value: RenderedBytes }>): DeadLetterInfo | undefined {
  const dlq = new Map<string, string>();
  for (const h of headers) if (h.name.startsWith(DLQ_PREFIX) && h.value.kind === 'text') dlq.set(h.name, h.value.text);
  if (dlq.size === 0) return undefined;
  const info: DeadLetterInfo = {};
  for (const [header, field] of FIELDS) {
    const value = dlq.get(header);
    if (value !== undefined) info[field] = value;
  }
  const topic = dlq.get(DlqHeader.originalTopic);
  if (topic !== undefined)
    info.origin = `${topic}/${dlq.get(DlqHeader.originalPartition) ?? '?'}@${dlq.get(DlqHeader.originalOffset) ?? '?'}`;
  return info;
}
