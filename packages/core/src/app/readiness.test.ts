import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupStats } from '../runtime/group-consumer.js';
import { assessReadiness } from './readiness.js';

const stats = (over: Partial<GroupStats>): GroupStats =>
  ({
    groupId: 'g',
    lastPollAt: 1_000,
    missingTopics: [],
    assigned: [],
    inMemory: 0,
    paused: [],
    held: [],
    ...over,
  }) as GroupStats;

test('ready only when running, joined and polling; each reason names its group', () => {
  const now = 2_000;
  assert.equal(assessReadiness('running', [stats({})], new Set(['g']), 30_000, now).ready, true);
  assert.equal(assessReadiness('starting', [stats({})], new Set(['g']), 30_000, now).reason, 'the app is starting');
  assert.equal(
    assessReadiness('running', [stats({})], new Set(), 30_000, now).reason,
    'group g: no partitions assigned yet',
  );
  assert.match(
    assessReadiness('running', [stats({})], new Set(['g']), 500, now).reason ?? '',
    /group g: the poll loop/,
  );
  assert.equal(
    assessReadiness('running', [stats({ missingTopics: ['t'] })], new Set(['g']), 30_000, now).reason,
    'group g: waiting for missing topics t',
  );
});

test('lists the partitions app.pause() holds, as topic/partition', () => {
  const held = [{ topic: 't', partition: 3 }];
  const [group] = assessReadiness('running', [stats({ paused: held, held })], new Set(['g']), 30_000, 2_000).groups;
  assert.deepEqual(group?.held, ['t/3']);
  assert.equal(group?.paused, 1);
});
