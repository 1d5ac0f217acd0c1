import { type MessageContext, relativeStack } from '@tributary/core';

/** Header names on a dead-lettered message (the original headers are kept as they were). */
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

function rootCause(error: unknown): unknown {
  // Core wraps handler errors; the DLQ wants the user's error class and text.
  let current = error;
  while (current instanceof Error && current.name === 'HandlerError' && current.cause) current = current.cause;
  return current;
}

/**
 * Headers for the dead-letter copy of `ctx.message`: its original headers untouched, plus where it
 * came from and why it failed. The stack's paths are relative to the working directory (the build
 * machine's layout says nothing to whoever reads the DLQ) and it is cut at `maxStackLength`
 * characters (headers travel with every fetch of the message).
 */
export function dlqHeaders(
  ctx: Pick<MessageContext, 'groupId' | 'handler' | 'attempt' | 'message'>,
  error: unknown,
  maxStackLength = 2000,
): Record<string, string | Buffer> {
  const cause = rootCause(error);
  const err = cause instanceof Error ? cause : new Error(String(cause));
  const m = ctx.message;
  const headers: Record<string, string | Buffer> = { ...m.headers };
  headers[DlqHeader.originalTopic] = m.topic;
  headers[DlqHeader.originalPartition] = String(m.partition);
  headers[DlqHeader.originalOffset] = String(m.offset);
  headers[DlqHeader.originalTimestamp] = String(m.timestamp);
  headers[DlqHeader.group] = ctx.groupId;
  headers[DlqHeader.handler] = ctx.handler;
  headers[DlqHeader.errorClass] = err.name || err.constructor?.name || 'Error';
  headers[DlqHeader.errorMessage] = err.message;
  headers[DlqHeader.errorStack] = relativeStack(err.stack ?? '').slice(0, maxStackLength);
  headers[DlqHeader.attempts] = String(ctx.attempt);
  headers[DlqHeader.failedAt] = new Date().toISOString();
  const issues = (err as { issues?: unknown }).issues;
  if (issues !== undefined) headers[DlqHeader.validationIssues] = JSON.stringify(issues);
  return headers;
}
