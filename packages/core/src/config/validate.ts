import type { z } from 'zod';
import { TributaryConfigError } from '../errors.js';

/**
 * Parses `value` with `schema`; the first problem becomes a `TributaryConfigError` whose key is
 * the dotted path (`prefix.groups.notification-service.concurrency`) and whose text says what was expected.
 */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    throw new TributaryConfigError(
      keys.join(', '),
      `unknown option (check the spelling; see the README's configuration reference)`,
    );
  }
  throw new TributaryConfigError(path || prefix, `${issue.message}${describeReceived(value, issue.path)}`);
}

function describeReceived(root: unknown, path: PropertyKey[]): string {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return '';
  const text = typeof value === 'function' ? 'a function' : JSON.stringify(value);
  return ` (got ${text && text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}
