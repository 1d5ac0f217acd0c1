import type { Expectations, VerifyOptions, VerifyScenario } from '@tributary/testing/verify';
import { DEFAULT_EXPECTATIONS, VERIFY_SCENARIOS } from '@tributary/testing/verify';
import { positiveInteger, positiveNumber } from '../commands/common-options.js';
import { UsageError } from '../usage-error.js';

export interface VerifyFlags {
  app: string;
  scenario?: string;
  instances: string;
  duration: string;
  rate: string;
  partitions: string;
  messages?: string;
  env?: string[];
  redis?: boolean;
  group?: string;
  topic?: string[];
  expect?: string[];
  logs?: string;
  settle: string;
}

function scenarioList(text: string | undefined): VerifyScenario[] {
  if (!text) return [...VERIFY_SCENARIOS];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names)
    if (!(VERIFY_SCENARIOS as readonly string[]).includes(name))
      throw new UsageError(`--scenario: unknown scenario "${name}" (known: ${VERIFY_SCENARIOS.join(', ')})`);
  return names as VerifyScenario[];
}

function envPairs(pairs: string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--env must be KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** `--expect key=value`: the keys of Expectations; numbers, `auto`, or true/false. */
export function expectationPairs(pairs: string[] = []): Partial<Expectations> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [key, value] = pair.split('=', 2) as [string, string | undefined];
    if (!(key in DEFAULT_EXPECTATIONS) || value === undefined)
      throw new UsageError(
        `--expect "${pair}": use one of ${Object.keys(DEFAULT_EXPECTATIONS)
          .map((k) => `${k}=…`)
          .join(', ')}`,
      );
    const kind = typeof DEFAULT_EXPECTATIONS[key as keyof Expectations];
    if (value === 'auto' && (key === 'crashDuplicatesPerKill' || key === 'order')) out[key] = 'auto';
    else if (value === 'true' || value === 'false') {
      if (key !== 'order' && key !== 'deadLetter') throw new UsageError(`--expect ${key} takes a number`);
      out[key] = value === 'true';
    } else if (/^\d+$/.test(value) && (kind === 'number' || key === 'crashDuplicatesPerKill')) out[key] = Number(value);
    else throw new UsageError(`--expect ${key}: "${value}" is not a valid value`);
  }
  return out as Partial<Expectations>;
}

/** The command line as verifyDelivery options (usage errors name the flag). */
export function verifyOptions(flags: VerifyFlags): Omit<VerifyOptions, 'onProgress'> {
  if (Boolean(flags.group) !== Boolean(flags.topic?.length))
    throw new UsageError('--group and --topic go together (for an app that is not a TributaryApp)');
  return {
    app: flags.app,
    scenarios: scenarioList(flags.scenario),
    instances: positiveInteger('instances', flags.instances),
    durationMs: positiveNumber('duration', flags.duration) * 1000,
    rate: positiveNumber('rate', flags.rate),
    partitions: positiveInteger('partitions', flags.partitions),
    ...(flags.messages ? { messages: flags.messages } : {}),
    env: envPairs(flags.env),
    redis: Boolean(flags.redis),
    expect: expectationPairs(flags.expect),
    ...(flags.group && flags.topic ? { group: { groupId: flags.group, topics: flags.topic } } : {}),
    settleMs: positiveNumber('settle', flags.settle) * 1000,
    ...(flags.logs ? { workDir: flags.logs } : {}),
  };
}
