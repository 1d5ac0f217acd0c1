import type { z } from 'zod';
import { closestMatch } from '../did-you-mean.js';
import { TributaryConfigError } from '../errors.js';

/**
 * Parses `value` with `schema`; the first problem becomes a `TributaryConfigError` whose key is
 * the dotted path (`prefix.groups.notification-service.concurrency`) and whose text says what was
 * expected. An unknown key names the known one it most likely misspells.
 */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A misspelt key also makes the key it meant look missing: name the misspelling first.
  const issues = result.error.issues as z.core.$ZodIssue[];
  const issue = (issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]) as z.core.$ZodIssue;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    const known = knownKeysAt(schema, issue.path);
    const matches = issue.keys.map((k) => [k, closestMatch(k, known)] as const).filter(([, m]) => m);
    const hint =
      matches.length === 0
        ? ` (check the spelling; see the README's configuration reference)`
        : issue.keys.length === 1
          ? `, did you mean \`${matches[0]?.[1]}\`?`
          : `, did you mean ${matches.map(([k, m]) => `\`${m}\` for ${k}`).join(', ')}?`;
    throw new TributaryConfigError(keys.join(', '), `unknown option${hint}`);
  }
  throw new TributaryConfigError(path || prefix, `${issue.message}${describeReceived(value, issue.path)}`);
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The keys an object schema accepts at `path` inside `schema` (empty when there is none). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  let rest = [...path];
  while (current) {
    const def = defOf(current);
    if (def.innerType)
      current = def.innerType; // optional, nullable, default, readonly
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union') {
      const objects = (def.options ?? []).filter((o) => knownKeysAt(o, rest).length > 0);
      return objects.length > 0 ? knownKeysAt(objects[0] as z.ZodType, rest) : [];
    } else if (rest.length === 0) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
    else {
      const [key, ...tail] = rest;
      rest = tail;
      if (def.type === 'object') current = def.shape?.[String(key)];
      else if (def.type === 'record') current = def.valueType;
      else if (def.type === 'array') current = def.element;
      else return [];
    }
  }
  return [];
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
