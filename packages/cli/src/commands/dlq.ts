import {
  type DlqEntry,
  type DlqFilter,
  errorHeaders,
  matchesFilter,
  openTopic,
  parseDlqMessage,
  parseFilter,
  RangeReader,
  replayDlq,
  replayGroup,
} from '@tributary/lag';
import type { Command } from 'commander';
import { exitOnKnownError } from '../command-error.js';
import { decodeMessage, messageAsJson, messageAsText } from '../format/decode.js';
import { formatTable } from '../format/table.js';
import { Progress } from '../progress.js';
import { brokersOption, positiveInteger, positiveNumber } from './common-options.js';

interface DlqOptions {
  brokers?: string;
  filter?: string;
  count?: string;
  json?: boolean;
  to?: string;
  execute?: boolean;
  timeout: string;
}

const brokersFlag = ['-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)'] as const;
const filterFlag = [
  '--filter <field=value>',
  'only entries whose error-class, original-topic, group or handler is value',
] as const;
const timeoutFlag = ['--timeout <ms>', 'broker request timeout', '10000'] as const;

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('Inspect and replay a dead-letter topic written by @tributary/middleware deadLetter()')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary dlq list task-created.dlq --brokers 127.0.0.1:9092\n' +
        '  tributary dlq replay task-created.dlq --filter error-class=TimeoutError --execute',
    );

  dlq
    .command('list')
    .description("Count a DLQ's entries by error class, with the topics they came from")
    .argument('<dlqTopic>', 'the dead-letter topic, e.g. task-created.dlq')
    .option(...brokersFlag)
    .option('--json', 'print JSON')
    .option(...timeoutFlag)
    .addHelpText(
      'after',
      '\nExamples:\n  tributary dlq list task-created.dlq --brokers 127.0.0.1:9092\n  tributary dlq list task-created.dlq --json\n',
    )
    .action((dlqTopic: string, opts: DlqOptions) => run(() => listDlq(dlqTopic, opts)));

  dlq
    .command('show')
    .description('Print DLQ entries: where each came from, its error headers, key, headers and value')
    .argument('<dlqTopic>', 'the dead-letter topic')
    .option(...brokersFlag)
    .option(...filterFlag)
    .option('-n, --count <n>', 'at most n entries')
    .option('--json', 'one JSON object per line')
    .option(...timeoutFlag)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary dlq show task-created.dlq --filter error-class=ZodError --count 5\n' +
        '  tributary dlq show task-created.dlq --filter original-topic=task-created --json\n',
    )
    .action((dlqTopic: string, opts: DlqOptions) => run(() => showDlq(dlqTopic, opts)));

  dlq
    .command('replay')
    .description(
      'Produce DLQ entries back to their original topic (or --to): original key, value and headers, plus ' +
        'x-tributary-replay-count. A dry run unless --execute.',
    )
    .argument('<dlqTopic>', 'the dead-letter topic')
    .option(...brokersFlag)
    .option(...filterFlag)
    .option('--to <topic>', "replay to this topic instead of each entry's original topic")
    .option('--execute', 'produce them (default: only print what would be replayed)')
    .option(...timeoutFlag)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary dlq replay task-created.dlq --brokers 127.0.0.1:9092\n' +
        '  tributary dlq replay task-created.dlq --filter error-class=TimeoutError --execute\n' +
        '  tributary dlq replay task-created.dlq --to task-created-retry --execute\n\n' +
        'Progress is committed in the consumer group tributary-dlq-replay.<dlqTopic> after each batch is\n' +
        'acknowledged: running it again replays only entries no replay has replayed (entries a --filter\n' +
        'skipped stay for a later run).',
    )
    .action((dlqTopic: string, opts: DlqOptions) => run(() => replay(dlqTopic, opts)));
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    exitOnKnownError(err);
  }
}

/** Every entry of the DLQ from its earliest offset up to its end as of now. */
async function* readDlq(brokers: string, dlqTopic: string, timeoutMs: number): AsyncGenerator<DlqEntry> {
  const open = await openTopic(brokers, 'tributary-cli-reader', dlqTopic, timeoutMs);
  const reader = await RangeReader.connect(brokers, timeoutMs).catch(async (err) => {
    await open.offsets.close();
    throw err;
  });
  const ranges = open.watermarks.map((w, partition) => ({ partition, from: w.low, until: w.high }));
  const total = ranges.reduce((n, r) => n + r.until - r.from, 0);
  const progress = new Progress('dlq');
  let read = 0;
  try {
    for await (const batch of reader.read(dlqTopic, ranges)) {
      for (const message of batch) yield parseDlqMessage(message);
      read += batch.length;
      progress.update(() => `read ${read} of ${total} entries`);
    }
  } finally {
    progress.done();
    await Promise.all([reader.close(), open.offsets.close()]);
  }
}

async function listDlq(dlqTopic: string, opts: DlqOptions): Promise<void> {
  const timeoutMs = positiveNumber('timeout', opts.timeout);
  const classes = new Map<string, { count: number; topics: Set<string>; last: number }>();
  for await (const entry of readDlq(brokersOption(opts.brokers), dlqTopic, timeoutMs)) {
    const found = classes.get(entry.errorClass) ?? { count: 0, topics: new Set<string>(), last: 0 };
    found.count++;
    if (entry.originalTopic) found.topics.add(entry.originalTopic);
    found.last = Math.max(found.last, entry.message.timestamp ?? 0);
    classes.set(entry.errorClass, found);
  }
  const rows = [...classes]
    .map(([errorClass, c]) => ({
      errorClass,
      count: c.count,
      originalTopics: [...c.topics].sort(),
      lastDeadLettered: c.last > 0 ? new Date(c.last).toISOString() : null,
    }))
    .sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));
  const total = rows.reduce((n, r) => n + r.count, 0);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ topic: dlqTopic, total, errorClasses: rows })}\n`);
    return;
  }
  const table = formatTable(
    ['ERROR-CLASS', 'COUNT', 'ORIGINAL-TOPICS', 'LAST-DEAD-LETTERED'],
    [
      ...rows.map((r) => [r.errorClass, r.count, r.originalTopics.join(',') || '-', r.lastDeadLettered ?? '-']),
      ['TOTAL', total],
    ],
  );
  process.stdout.write(`${table}\n`);
}

async function showDlq(dlqTopic: string, opts: DlqOptions): Promise<void> {
  const timeoutMs = positiveNumber('timeout', opts.timeout);
  const count = opts.count === undefined ? undefined : positiveInteger('count', opts.count);
  const filter: DlqFilter | undefined = parseFilter(opts.filter);
  let shown = 0;
  for await (const entry of readDlq(brokersOption(opts.brokers), dlqTopic, timeoutMs)) {
    if (!matchesFilter(entry, filter)) continue;
    const decoded = decodeMessage(entry.message);
    if (opts.json) {
      const error = Object.fromEntries(errorHeaders(entry));
      process.stdout.write(`${JSON.stringify({ ...messageAsJson(decoded), errorClass: entry.errorClass, error })}\n`);
    } else {
      const from = entry.originalTopic ? ` from ${entry.originalTopic}/${entry.originalPartition ?? '?'}` : '';
      process.stdout.write(`--- ${entry.errorClass}${from}\n${messageAsText(decoded)}`);
    }
    if (++shown === count) break;
  }
  process.stderr.write(`dlq show: ${shown} entr${shown === 1 ? 'y' : 'ies'} of ${dlqTopic}\n`);
}

async function replay(dlqTopic: string, opts: DlqOptions): Promise<void> {
  const execute = opts.execute === true;
  const bar = new Progress('replay');
  const summary = await replayDlq(
    {
      brokers: brokersOption(opts.brokers),
      dlqTopic,
      filter: parseFilter(opts.filter),
      to: opts.to,
      execute,
      timeoutMs: positiveNumber('timeout', opts.timeout),
      onProgress: (p) =>
        bar.update(
          () => `scanned ${p.scanned} of ${p.total} entries, ${execute ? 'replayed' : 'to replay'} ${p.replayed}`,
        ),
    },
    (line) => process.stdout.write(`${line}\n`),
  );
  bar.done();
  const notes = [
    summary.alreadyReplayed && `${summary.alreadyReplayed} replayed before`,
    summary.filteredOut && `${summary.filteredOut} not matching --filter ${opts.filter}`,
    summary.withoutOrigin && `${summary.withoutOrigin} without an original topic (use --to)`,
    summary.deferred && `${summary.deferred} left for the next run (progress metadata full)`,
  ].filter(Boolean);
  const rest = notes.length ? `; skipped: ${notes.join(', ')}` : '';
  process.stdout.write(
    execute
      ? `replayed ${summary.replayed} entr${summary.replayed === 1 ? 'y' : 'ies'} of ${dlqTopic}${rest}${summary.replayed ? `; progress committed in group ${replayGroup(dlqTopic)}` : ''}\n`
      : `dry run: would replay ${summary.replayed} entr${summary.replayed === 1 ? 'y' : 'ies'} of ${dlqTopic}${rest}; add --execute to replay\n`,
  );
}
