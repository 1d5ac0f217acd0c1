import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestKafka, type TestKafka, uniqueName, waitUntil } from '@tributary/testing';

let kafka: TestKafka;
before(async () => {
  kafka = await startTestKafka();
});
after(() => kafka.stop());

test('SIGTERM: the groups stop, then `stopping`, the onShutdown hooks (awaited) and the container disposal run, then exit 0', async () => {
  const topic = uniqueName('shutdown');
  const group = uniqueName('g');
  await kafka.createTopic({ name: topic, partitions: 2 });
  const logFile = join(mkdtempSync(join(tmpdir(), 'tributary-shutdown-')), 'steps.log');
  const fixture = join(__dirname, '..', 'fixtures', 'shutdown-hooks-app.js');
  const child = spawn(process.execPath, [fixture, kafka.bootstrapServers, group, topic, logFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitUntil(() => stdout.includes('started') || child.exitCode !== null, {
      message: () => `the app to start (stderr: ${stderr})`,
    });
    assert.equal(child.exitCode, null, `the app exited early: ${stderr}`);
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
    assert.equal(code, 0, `exit code (stderr: ${stderr})`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  assert.deepEqual(readFileSync(logFile, 'utf8').trim().split('\n'), [
    'group stopped',
    'stopping (SIGTERM)',
    'hook 1 done (after 300 ms)',
    'hook 2',
    'handler disposed',
  ]);
});
