import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type InstancePoll, InstanceTracker } from './instances.js';

const url = 'http://127.0.0.1:9464/metrics';
const up = (instance: string, assigned: string[] = ['t/0']): InstancePoll => ({
  url,
  up: true,
  samples: [],
  instance,
  assigned,
  held: [],
  ready: true,
});
const down: InstancePoll = { url, up: false, error: 'ECONNREFUSED', samples: [], assigned: [], held: [] };

test('an instance that stops answering is gone since its first unanswered poll, under its last name', () => {
  const tracker = new InstanceTracker(0);
  assert.deepEqual(tracker.update([up('i2')], 1_000)[0], {
    url,
    instance: 'i2',
    state: 'up',
    since: 1_000,
    partitions: 1,
    ready: true,
  });
  assert.equal(tracker.update([up('i2')], 2_000)[0]?.since, 1_000, 'up since it first answered');
  const gone = tracker.update([down], 3_000)[0];
  assert.deepEqual(gone, {
    url,
    instance: 'i2',
    state: 'gone',
    since: 3_000,
    lastSeenAt: 2_000,
    lastError: 'ECONNREFUSED',
    partitions: 0,
  });
  assert.equal(tracker.update([down], 4_000)[0]?.since, 3_000, 'gone since the first failure');
  // It comes back: up again, from now.
  assert.equal(tracker.update([up('i2')], 5_000)[0]?.state, 'up');
  assert.equal(tracker.update([up('i2')], 6_000)[0]?.since, 5_000);
});

test('a URL that never answered is unseen (not an instance, not gone), named by its host', () => {
  const tracker = new InstanceTracker(500);
  const view = tracker.update([down], 1_000)[0];
  assert.equal(view?.state, 'unseen');
  assert.equal(view?.instance, '127.0.0.1:9464');
  assert.equal(view?.since, 500);
  assert.equal(view?.partitions, 0);
});
