import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerMatches, ControlRequestError, parseControlRequest } from './control-endpoint.js';
import { startHealthServer } from './health-server.js';
import { TributaryMetrics } from './tributary-metrics.js';

test('parseControlRequest takes group, topic and an optional partition, and names what is wrong', () => {
  assert.deepEqual(parseControlRequest({ group: 'g', topic: 't' }), { group: 'g', topic: 't' });
  assert.deepEqual(parseControlRequest({ group: 'g', topic: 't', partition: 2 }), {
    group: 'g',
    topic: 't',
    partition: 2,
  });
  assert.throws(() => parseControlRequest(null), ControlRequestError);
  assert.throws(() => parseControlRequest({ topic: 't' }), /group/);
  assert.throws(() => parseControlRequest({ group: 'g', topic: 't', partition: -1 }), /partition/);
  assert.throws(() => parseControlRequest({ group: 'g', topic: 't', partition: '1' }), /partition/);
});

test('bearerMatches wants exactly "Bearer <token>"', () => {
  const token = 'a'.repeat(32);
  assert.equal(bearerMatches(`Bearer ${token}`, token), true);
  assert.equal(bearerMatches(undefined, token), false);
  assert.equal(bearerMatches(token, token), false);
  assert.equal(bearerMatches(`Bearer ${token}x`, token), false);
});

const app = () => {
  const calls: string[] = [];
  return {
    calls,
    readiness: () => ({ ready: true, groups: [] }) as never,
    pause: (r: { group: string; topic: string; partition?: number }) => {
      calls.push(`pause ${r.group} ${r.topic} ${r.partition}`);
      return [{ topic: r.topic, partition: r.partition ?? 0 }];
    },
    resume: (r: { group: string; topic: string; partition?: number }) => {
      calls.push(`resume ${r.group} ${r.topic} ${r.partition}`);
      return [];
    },
  };
};

test('the health server answers /control/* with the token only, and 404 without control', async () => {
  const token = 'b'.repeat(32);
  const fake = app();
  const withControl = await startHealthServer(fake, new TributaryMetrics(), { port: 0, control: { token } });
  const without = await startHealthServer(fake, new TributaryMetrics(), { port: 0 });
  try {
    const post = (port: number, path: string, body: unknown, auth?: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(body),
      });
    const body = { group: 'g', topic: 't', partition: 1 };
    assert.equal((await post(without.port, '/control/pause', body, `Bearer ${token}`)).status, 404);
    assert.equal((await post(withControl.port, '/control/pause', body)).status, 401);
    assert.equal((await post(withControl.port, '/control/pause', body, 'Bearer wrong')).status, 401);
    assert.equal((await post(withControl.port, '/control/pause', { group: 'g' }, `Bearer ${token}`)).status, 400);
    const ok = await post(withControl.port, '/control/pause', body, `Bearer ${token}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(((await ok.json()) as { applied: string[] }).applied, ['t/1']);
    assert.equal((await post(withControl.port, '/control/resume', body, `Bearer ${token}`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${withControl.port}/control/pause`)).status, 405);
    assert.deepEqual(fake.calls, ['pause g t 1', 'resume g t 1']);
  } finally {
    await Promise.all([withControl.close(), without.close()]);
  }
});

test('a control token shorter than 16 characters is refused at start', async () => {
  await assert.rejects(
    startHealthServer(app(), new TributaryMetrics(), { port: 0, control: { token: 'short' } }),
    /at least 16/,
  );
});
