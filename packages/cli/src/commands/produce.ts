import { AcknowledgedProducer, type Delivery, type OutgoingRecord } from '@tributary/lag';
import type { Command } from 'commander';
import { CommandError, exitOnKnownError } from '../command-error.js';
import { parseOffset } from '../kafka/positions.js';
import { parseHeaderOption, type RecordDefaults, readJsonl, recordFromValue } from '../kafka/produce-input.js';
import { Progress } from '../progress.js';
import { UsageError } from '../usage-error.js';
import { brokersOption, collect, positiveNumber } from './common-options.js';

interface ProduceOptions {
  brokers?: string;
  key?: string;
  header?: string[];
  partition?: string;
  file?: string;
  timeout: string;
}

/** Records in flight at once: enough to fill batches, few enough to stop soon after a failure. */
const WINDOW = 1_000;

export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description('Produce messages to a topic (one value, or a JSONL file) and wait until the broker acknowledged them')
    .argument('<topic>', 'topic to produce to')
    .argument('[value]', 'the message value, as text (or use --file)')
    .option('-b, --brokers <list>', 'bootstrap servers (default: KAFKA_BROKERS)')
    .option('-k, --key <key>', 'message key (a JSONL line\'s "key" wins)')
    .option('-H, --header <name=value>', 'a header (repeatable; added to every message)', collect)
    .option('-p, --partition <n>', 'partition (default: chosen by key)')
    .option('-f, --file <path>', 'JSONL, one { key?, value, headers?, partition? } per line ("-": stdin)')
    .option('--timeout <ms>', 'how long a message may wait for its acknowledgement', '30000')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary produce task-created --brokers 127.0.0.1:9092 --key task-1 \'{"taskId":"task-1"}\'\n' +
        '  tributary produce task-created --header source=cli --header trace-id=abc123 hello\n' +
        '  tributary produce task-created --file events.jsonl\n\n' +
        'In a JSONL line a string value is sent as its text, any other JSON value JSON-encoded, and null\n' +
        'as a tombstone; "headers" is an object of strings. Every line is checked before anything is sent.\n' +
        'It prints how many messages were acknowledged and exits 1 if any delivery failed.',
    )
    .action(async (topic: string, value: string | undefined, opts: ProduceOptions) => {
      let producer: AcknowledgedProducer | undefined;
      try {
        const timeoutMs = positiveNumber('timeout', opts.timeout);
        if ((value === undefined) === (opts.file === undefined))
          throw new UsageError('give either a value or --file <path>, not both and not neither');
        const defaults: RecordDefaults = {
          key: opts.key,
          headers: (opts.header ?? []).map(parseHeaderOption),
          partition: opts.partition === undefined ? undefined : parseOffset('--partition', opts.partition),
        };
        const brokers = brokersOption(opts.brokers);
        const records =
          value === undefined
            ? await readJsonl(opts.file as string, topic, defaults)
            : [recordFromValue(topic, value, defaults)];
        producer = await AcknowledgedProducer.connect(brokers, timeoutMs);
        await produceAll(producer, topic, records);
      } catch (err) {
        exitOnKnownError(err);
      } finally {
        await producer?.close();
      }
    });
}

async function produceAll(producer: AcknowledgedProducer, topic: string, records: OutgoingRecord[]): Promise<void> {
  const progress = new Progress('produce');
  let acknowledged = 0;
  const failures: string[] = [];
  let last: Delivery | undefined;
  for (let start = 0; start < records.length && failures.length === 0; start += WINDOW) {
    const window = records.slice(start, start + WINDOW);
    const results = await Promise.allSettled(window.map((record) => producer.send(record)));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        acknowledged++;
        last = result.value;
      } else failures.push(`message ${start + i + 1}: ${(result.reason as Error).message}`);
    });
    if (records.length > WINDOW) progress.update(() => `${acknowledged} of ${records.length} acknowledged`);
  }
  progress.done();
  const where = records.length === 1 && last ? ` (partition ${last.partition}, offset ${last.offset})` : '';
  process.stdout.write(`${acknowledged} of ${records.length} message(s) acknowledged by ${topic}${where}\n`);
  if (failures.length > 0) {
    const notSent = records.length - acknowledged - failures.length;
    throw new CommandError(
      `${failures.length} delivery failure(s)${notSent ? `, ${notSent} not sent` : ''}; first: ${failures[0]}`,
    );
  }
}
