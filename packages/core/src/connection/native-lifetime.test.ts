/**
 * The binding's native consumer is freed when `disconnect()` completes, and one of its methods,
 * `assignmentLost()`, dereferences it without checking (SIGSEGV; docs/native-crash.md). A
 * rebalance callback reaching the connection after the close must not call it. The scenario runs
 * in a child process, so a regression shows as a child killed by SIGSEGV, not as a dead test runner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { TopicPartition } from '../model/topic-partition.js';
import { startBroker, uniqueName, until } from './broker-fixture.test-util.js';
import { ConsumerConnection } from './consumer-connection.js';

const CHILD = 'TRIBUTARY_LATE_REVOKE_CHILD';
/** librdkafka's ERR__REVOKE_PARTITIONS, as the binding hands it to `rebalance_cb`. */
const REVOKE = -174;

/** In the child: own a partition, close, then have the binding's rebalance callback deliver a revoke. */
async function lateRevoke(bootstrapServers: string, topic: string): Promise<void> {
  const connection = new ConsumerConnection(
    { 'bootstrap.servers': bootstrapServers, 'group.id': uniqueName('late'), 'enable.auto.commit': false },
    { 'auto.offset.reset': 'earliest' },
  );
  let assigned: TopicPartition[] = [];
  connection.on('rebalance', (event) => {
    if (event.kind === 'assign') {
      connection.assign(event.partitions);
      assigned = event.partitions;
    } else {
      try {
        connection.unassign(event.partitions);
      } catch {
        // closed: nothing left to release (the member's rebalancer tolerates this the same way)
      }
    }
  });
  await connection.connect();
  connection.subscribe([topic], 20);
  let polling = true;
  const poller = (async () => {
    while (polling) await connection.consume(1);
  })();
  await until(() => assigned.length > 0);
  polling = false;
  await poller;
  assert.equal(await connection.disconnect(), 'closed');
  // What the binding calls when it dispatches a rebalance event (the library's wrapper of ours).
  const binding = (
    connection as unknown as {
      consumer: { globalConfig: { rebalance_cb(err: number, partitions: TopicPartition[]): void } };
    }
  ).consumer;
  binding.globalConfig.rebalance_cb(REVOKE, assigned);
  process.stdout.write('survived\n');
}

if (process.env[CHILD]) {
  const [bootstrapServers, topic] = (process.env[CHILD] as string).split(' ');
  lateRevoke(bootstrapServers as string, topic as string).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
} else {
  let kafka: Awaited<ReturnType<typeof startBroker>>;
  before(async () => {
    kafka = await startBroker();
  });
  after(() => kafka.stop());

  test('a revoke that reaches the connection after the consumer closed does not touch the freed native consumer', async () => {
    const topic = uniqueName('late-revoke');
    await kafka.createTopic({ name: topic, partitions: 1 });
    const child = spawn(process.execPath, [__filename], {
      env: { ...process.env, [CHILD]: `${kafka.bootstrapServers} ${topic}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    assert.equal(signal, null, `the child died by ${signal}:\n${out}`);
    assert.equal(code, 0, out);
    assert.match(out, /survived/);
  });
}
