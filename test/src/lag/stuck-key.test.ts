import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Consume, ConsumerGroup, type Message, TributaryApp } from '@tributary/core';
import { STUCK_KEY_AFTER_MS } from '@tributary/lag';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import { produceMessages, startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';

const run = promisify(execFile);
const cli = join(__dirname, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js');

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test("one poison key holds its lane while the partition's other keys flow: metrics list it, `tributary diagnose` names the key", async () => {
  const topic = uniqueName('stuck-key');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  const handled = new Map<string, number>();

  // Defaults: key ordering, the core's own retry (no DLQ) — the poison message holds its key for good.
  @ConsumerGroup(group, { ordering: 'key' })
  class Handler {
    @Consume({ topic, decoder: 'string' })
    async on(msg: Message) {
      if (msg.key === 'customer-13') throw new Error('poison: cannot parse this customer’s event');
      handled.set(msg.key ?? '', (handled.get(msg.key ?? '') ?? 0) + 1);
    }
  }
  const app = await TributaryApp.create({
    brokers: kafka.bootstrapServers,
    handlers: [Handler],
    handleSignals: false,
    logger: { level: 'silent' },
  });
  const metrics = new TributaryMetrics();
  metrics.attach(app);
  const http = await startHealthServer(app, metrics, { port: 0 });
  await app.start();
  let producing = true;
  const producer = (async () => {
    for (let round = 0; producing; round++) {
      // Every key on partition 0, customer-13 among them: the others must keep flowing past it.
      await produceMessages(kafka.bootstrapServers, topic, 40, {
        message: (i) => ({ key: `customer-${i % 20}`, partition: 0, value: `r${round}-${i}` }),
      });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  try {
    await waitUntil(() => (handled.get('customer-7') ?? 0) >= 2, { message: 'other keys flow' });
    // Before the threshold the lane is listed as retrying, but it is not "stuck" yet.
    const early = app.stats({ keys: 5 })[0]?.keys;
    assert.equal(early?.retrying[0]?.key, 'customer-13');
    const atStart = handled.get('customer-7') as number;
    await new Promise((resolve) => setTimeout(resolve, STUCK_KEY_AFTER_MS));
    assert.ok((handled.get('customer-7') as number) > atStart, 'customer-7 kept flowing');
    assert.equal(handled.get('customer-13'), undefined, 'the poison key never completed');

    const text = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    assert.match(
      text,
      new RegExp(
        `tributary_key_lane_retrying_seconds\\{group="${group}",topic="${topic}",partition="0",key="customer-13",others_flowing="true"\\} \\d+`,
      ),
    );
    assert.match(text, new RegExp(`tributary_key_lanes\\{group="${group}"\\} \\d+`));
    const hotKeys = [...text.matchAll(/tributary_hot_key_messages_per_second\{[^}]*key="([^"]+)"\}/g)].length;
    assert.ok(hotKeys > 0 && hotKeys <= 5, `hot keys listed, at most 5 (${hotKeys})`);

    const result = await run(
      process.execPath,
      [
        cli,
        'diagnose',
        '--brokers',
        kafka.bootstrapServers,
        '--group',
        group,
        '--metrics',
        `http://127.0.0.1:${http.port}/metrics`,
        '--window',
        '2',
        '--json',
      ],
      { timeout: 60_000 },
    );
    const findings = JSON.parse(result.stdout) as Array<{ id: string; title: string; evidence: string[] }>;
    const stuck = findings.find((f) => f.id === 'stuck-key');
    assert.ok(stuck, `stuck-key in ${JSON.stringify(findings.map((f) => f.id))}`);
    assert.match(
      stuck.title,
      new RegExp(`key "customer-13" on ${topic}/0 has been retrying for \\d+ s while its partition's other keys flow`),
    );
  } finally {
    producing = false;
    await producer;
    await app.stop();
    await http.close();
  }
});
