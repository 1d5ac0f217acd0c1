/**
 * `npm run demo`: starts the embedded broker (or uses KAFKA_BROKERS), produces task events for
 * `--duration` seconds and consumes them back in a consumer group, printing what happened.
 */
import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import { startTestKafka } from '@tributary/testing';
import { produceMessages } from '@tributary/testing';
import { Command } from 'commander';

const program = new Command('demo')
  .description('Tributary demo on the embedded Kafka broker')
  .option('-d, --duration <seconds>', 'how long to run', '20')
  .option('-r, --rate <events/s>', 'task events produced per second', '200')
  .parse(process.argv);
const opts = program.opts<{ duration: string; rate: string }>();
const durationMs = Number(opts.duration) * 1000;
const rate = Number(opts.rate);
if (!(durationMs > 0) || !(rate > 0)) {
  process.stderr.write('demo: --duration and --rate must be positive numbers\n');
  process.exit(2);
}

async function main() {
  const kafka = await startTestKafka({ brokers: 3, topics: [{ name: 'task-created', partitions: 6 }] });
  process.stdout.write(`embedded broker up: bootstrap.servers=${kafka.bootstrapServers}\n`);
  const consumer = new KafkaConsumer(
    { 'bootstrap.servers': kafka.bootstrapServers, 'group.id': 'notification-service', log_level: 3 } as never,
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  consumer.subscribe(['task-created']);
  let produced = 0;
  let consumed = 0;
  const started = Date.now();
  const consumeLoop = async () => {
    while (Date.now() - started < durationMs + 3000 && (consumed < produced || Date.now() - started < durationMs)) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(500, (err, messages) => (err ? reject(err) : resolve(messages))),
      );
      consumed += batch.length;
    }
  };
  const consuming = consumeLoop();
  const ticker = setInterval(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    process.stdout.write(`[${seconds}s] produced ${produced}  consumed ${consumed}  lag ${produced - consumed}\n`);
  }, 1000);
  while (Date.now() - started < durationMs) {
    const batch = Math.max(1, Math.round(rate / 10));
    const first = produced;
    await produceMessages(kafka.bootstrapServers, 'task-created', batch, {
      message: (i) => ({
        key: `task-${first + i}`,
        value: JSON.stringify({ taskId: `task-${first + i}`, title: `Task ${first + i}`, ownerId: `user-${(first + i) % 7}` }),
      }),
    });
    produced += batch;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await consuming;
  clearInterval(ticker);
  await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  await kafka.stop();
  process.stdout.write(`summary: produced ${produced}, consumed ${consumed}\n`);
  process.exit(consumed >= produced ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
