import { type OpenTopic, openTopic, type PartitionRange, RangeReader } from '@tributary/lag';
import type { Command } from 'commander';
import { exitOnKnownError } from '../command-error.js';
import { decodeMessage, messageAsJson, messageAsText, searchableText } from '../format/decode.js';
import { parseFrom, selectPartitions, startOffsets } from '../kafka/positions.js';
import { Progress } from '../progress.js';
import { stopSignal } from '../stop-signal.js';
import { brokersOption, positiveInteger, positiveNumber } from './common-options.js';

interface TailOptions {
  brokers?: string;
  partition?: string;
  from?: string;
  key?: string;
  grep?: string;
  count?: string;
  json?: boolean;
  follow?: boolean;
  timeout: string;
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description(
      "Print a topic's messages: partition, offset, time, key, headers and value (JSON pretty-printed, " +
        'text, or hex). Joins no consumer group and commits nothing.',
    )
    .argument('<topic>', 'topic to read')
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .option('-p, --partition <n>', 'only this partition (default: all)')
    .option(
      '--from <position>',
      'earliest, latest, an offset (in each partition) or an ISO time (default: earliest; latest with --follow)',
    )
    .option('-k, --key <key>', 'only messages with this key')
    .option('--grep <text>', 'only messages whose key, headers or value contain this text')
    .option('-n, --count <n>', 'stop after printing n messages')
    .option('--json', 'one JSON object per line (encodings of key, headers and value beside them)')
    .option('-f, --follow', 'keep printing new messages until Ctrl-C (default: stop at the end offsets as of start)')
    .option('--timeout <ms>', 'broker request timeout', '10000')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary tail task-created --brokers 127.0.0.1:9092 --count 10\n' +
        '  tributary tail task-created --partition 2 --from 1500 --key task-42\n' +
        '  tributary tail task-created --from 2026-05-01T12:00:00Z --grep overdue --json | jq .value\n' +
        '  tributary tail task-created.dlq --follow\n\n' +
        'Without --follow it stops at the end offsets the partitions had when it started.',
    )
    .action(async (topic: string, opts: TailOptions) => {
      let open: OpenTopic | undefined;
      let reader: RangeReader | undefined;
      try {
        const timeoutMs = positiveNumber('timeout', opts.timeout);
        const count = opts.count === undefined ? undefined : positiveInteger('count', opts.count);
        const from = parseFrom(opts.from ?? (opts.follow ? 'latest' : 'earliest'));
        const brokers = brokersOption(opts.brokers);
        open = await openTopic(brokers, 'tributary-cli-reader', topic, timeoutMs);
        const partitions = selectPartitions(topic, open.partitionCount, opts.partition);
        const starts = await startOffsets(open.offsets, topic, open.partitionCount, partitions, from, open.watermarks);
        const ranges: PartitionRange[] = partitions.map((partition, i) => ({
          partition,
          from: starts[i] as number,
          until: opts.follow ? undefined : open?.watermarks[partition]?.high,
        }));
        reader = await RangeReader.connect(brokers, timeoutMs);
        // Anything produced from now on is past the start offsets: it will be printed.
        if (opts.follow)
          process.stderr.write(`tail: following ${topic} (${partitions.length} partition(s)); Ctrl-C to stop\n`);
        await printMessages(reader, topic, ranges, { ...opts, count });
      } catch (err) {
        exitOnKnownError(err);
      } finally {
        await Promise.all([reader?.close(), open?.offsets.close()]);
      }
    });
}

async function printMessages(
  reader: RangeReader,
  topic: string,
  ranges: PartitionRange[],
  opts: { key?: string; grep?: string; count?: number; json?: boolean },
): Promise<void> {
  const stop = new AbortController();
  void stopSignal().then(() => stop.abort());
  // `tributary tail … | head` closes the pipe early: that ends the command, it is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const key = opts.key === undefined ? undefined : Buffer.from(opts.key);
  const total = ranges.every((r) => r.until !== undefined)
    ? ranges.reduce((n, r) => n + Math.max(0, (r.until as number) - r.from), 0)
    : undefined;
  const progress = new Progress('tail');
  let read = 0;
  let printed = 0;
  for await (const batch of reader.read(topic, ranges, { stop: stop.signal })) {
    for (const message of batch) {
      read++;
      if (key && !(Buffer.isBuffer(message.key) && message.key.equals(key))) continue;
      const decoded = decodeMessage(message);
      if (opts.grep !== undefined && !searchableText(decoded).includes(opts.grep)) continue;
      process.stdout.write(opts.json ? `${JSON.stringify(messageAsJson(decoded))}\n` : messageAsText(decoded));
      printed++;
      if (printed === opts.count) break;
    }
    if (printed === opts.count) break;
    progress.update(() => `read ${read}${total === undefined ? '' : ` of ${total}`} messages, printed ${printed}`);
  }
  progress.done();
  process.stderr.write(`tail: ${printed} message(s) printed of ${read} read from ${topic}\n`);
}
