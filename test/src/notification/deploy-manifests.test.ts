import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';

const deploy = join(__dirname, '..', '..', '..', 'deploy');
const docs = parseAllDocuments(readFileSync(join(deploy, 'k8s', 'notification-service.yaml'), 'utf8')).map((d) =>
  d.toJS(),
);
const kind = (k: string) => docs.find((d) => d?.kind === k);

test('KEDA scales the service 1–5 on the Kafka lag of its group', () => {
  const scaled = kind('ScaledObject');
  assert.ok(scaled, 'a ScaledObject');
  assert.equal(scaled.spec.minReplicaCount, 1);
  assert.equal(scaled.spec.maxReplicaCount, 5);
  assert.equal(scaled.spec.scaleTargetRef.name, kind('StatefulSet').metadata.name);
  const trigger = scaled.spec.triggers[0];
  assert.equal(trigger.type, 'kafka');
  assert.equal(trigger.metadata.consumerGroup, 'notification-service');
  assert.ok(Number(trigger.metadata.lagThreshold) > 0);
});

test('the pod name is the static member id and the grace period exceeds the shutdown timeout', () => {
  const pod = kind('StatefulSet').spec.template.spec;
  const env = Object.fromEntries(
    pod.containers[0].env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
  assert.deepEqual(env.INSTANCE_ID, { fieldRef: { fieldPath: 'metadata.name' } });
  assert.ok(
    pod.terminationGracePeriodSeconds * 1000 > Number(env.SHUTDOWN_TIMEOUT_MS),
    'SIGKILL only after a graceful stop had time',
  );
  assert.equal(pod.containers[0].readinessProbe.httpGet.path, '/health/ready');
});

test('docker compose runs Kafka, Redis and the service with Redis idempotency', () => {
  const compose = parse(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8'));
  assert.ok(compose.services.kafka && compose.services.redis);
  const service = compose.services['notification-service-1'];
  assert.equal(service.environment.REDIS_URL, 'redis://redis:6379');
  assert.equal(service.build.dockerfile, 'deploy/Dockerfile');
  assert.match(readFileSync(join(deploy, 'Dockerfile'), 'utf8'), /CKJS_LINKING=dynamic npm ci/);
});

test('the control token comes from a secret (k8s) or the environment (compose); empty means no control endpoint', async () => {
  const pod = kind('StatefulSet').spec.template.spec;
  const token = pod.containers[0].env.find((e: { name: string }) => e.name === 'CONTROL_TOKEN');
  assert.equal(token?.valueFrom?.secretKeyRef?.optional, true, 'optional: the pod starts without the secret');
  const compose = parse(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8'));
  assert.equal(compose.services['notification-service-1'].environment.CONTROL_TOKEN, '${CONTROL_TOKEN:-}');
  const { loadServiceConfig } = await import('@tributary/notification-service');
  const base = { KAFKA_BROKERS: 'kafka:9092' };
  assert.equal(loadServiceConfig({ ...base, CONTROL_TOKEN: '' }).http.controlToken, undefined);
  assert.equal(loadServiceConfig({ ...base, CONTROL_TOKEN: 'x'.repeat(16) }).http.controlToken, 'x'.repeat(16));
  assert.throws(() => loadServiceConfig({ ...base, CONTROL_TOKEN: 'short' }), /CONTROL_TOKEN/);
});
