import { BrokerConfigError, BrokerNativeError, parseTopicSpec, startBroker, type TopicSpec } from '@tributary/broker';
import type { Command } from 'commander';
import { stopSignal } from '../stop-signal.js';
import { exitOnUsageError, UsageError } from '../usage-error.js';
import { collect } from './common-options.js';

function parseBrokerCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`--brokers must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description(
      'Run an embedded Kafka broker (librdkafka mock cluster, real wire protocol) until Ctrl-C. ' +
        'Prints bootstrap.servers=… on stdout.',
    )
    .option('-b, --brokers <count>', 'number of brokers in the cluster', '1')
    .option('-t, --topic <name:partitions>', 'create a topic (repeatable), e.g. task-created:6', collect)
    .option('--rebalance-delay <ms>', 'classic group.initial.rebalance.delay.ms', '0')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  tributary broker --topic task-created:6\n' +
        '  tributary broker --brokers 3 --topic task-created:6 --topic task-completed:6\n\n' +
        'Unknown topics auto-create with 4 partitions on first use. Point clients at it with\n' +
        'KAFKA_BROKERS=<the printed servers>.',
    )
    .action(async (opts: { brokers: string; topic?: string[]; rebalanceDelay: string }) => {
      const topicSpecs = opts.topic ?? [];
      let broker: Awaited<ReturnType<typeof startBroker>>;
      try {
        const brokers = parseBrokerCount(opts.brokers);
        const topics: TopicSpec[] = topicSpecs.map(parseTopicSpec);
        broker = await startBroker({
          brokers,
          topics,
          initialRebalanceDelayMs: Number(opts.rebalanceDelay),
        });
      } catch (err) {
        exitOnUsageError(err, (e) => e instanceof BrokerConfigError || e instanceof BrokerNativeError);
      }
      const stopped = stopSignal(); // before announcing the servers
      process.stdout.write(`bootstrap.servers=${broker.bootstrapServers}\n`);
      process.stderr.write(
        `embedded Kafka broker: ${broker.brokerCount} broker(s)` +
          `${topicSpecs.length ? `, topics ${topicSpecs.join(' ')}` : ''}; Ctrl-C to stop\n`,
      );
      // The brokers run on librdkafka threads, which do not keep Node's event loop alive: a timer does.
      const keepAlive = setInterval(() => {}, 60_000);
      await stopped;
      clearInterval(keepAlive);
      await broker.stop();
      process.stderr.write('embedded Kafka broker stopped\n');
    });
}
