import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { test } from 'node:test';
import { startBroker } from './in-process-broker.js';
import { startBrokerProcess } from './process-broker.js';

function canConnect(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

test('an in-process cluster listens on one TCP port per broker and stops cleanly', async () => {
  const broker = await startBroker({ brokers: 3, topics: [{ name: 'task-created', partitions: 6 }] });
  const servers = broker.bootstrapServers.split(',');
  assert.equal(servers.length, 3);
  for (const server of servers) assert.match(server, /^127\.0\.0\.1:\d+$/);
  assert.deepEqual(await Promise.all(servers.map(canConnect)), [true, true, true]);
  await assert.rejects(broker.createTopic({ name: 'task-created', partitions: 6 }), /error code 36/); // TOPIC_ALREADY_EXISTS
  await broker.stop();
  assert.deepEqual(await Promise.all(servers.map(canConnect)), [false, false, false]);
  await assert.rejects(broker.setBrokerDown(1), /stopped/);
});

test('a broker process serves fault controls over IPC and outlives nothing but its parent', async () => {
  const broker = await startBrokerProcess({ brokers: 2, topics: [{ name: 'x', partitions: 2 }] });
  assert.ok(broker.pid > 0);
  const [first] = broker.bootstrapServers.split(',');
  assert.ok(await canConnect(first as string));
  await broker.setRtt(1, 5);
  await broker.setBrokerDown(1);
  assert.equal(await canConnect(first as string), false, 'broker 1 refuses connections while down');
  await broker.setBrokerUp(1);
  assert.ok(await canConnect(first as string));
  await assert.rejects(broker.setBrokerDown(99), /setBrokerDown\(99\) failed/);
  await broker.stop();
  assert.equal(await canConnect(first as string), false);
});
