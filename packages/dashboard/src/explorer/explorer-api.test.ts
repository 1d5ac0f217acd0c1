import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePageQuery } from './explorer-api.js';

const parse = (query: string) => parsePageQuery(new URLSearchParams(query));

test('a page query: topic, partition, from an offset, a time or the latest, and a limit', () => {
  assert.deepEqual(parse('topic=t&partition=2&offset=40&limit=50'), {
    topic: 't',
    partition: 2,
    from: { offset: 40 },
    limit: 50,
  });
  assert.deepEqual(parse('topic=t.dlq'), { topic: 't.dlq', partition: 0, from: { latest: true }, limit: 20 });
  assert.deepEqual(parse('topic=t&time=1700000000000').from, { time: 1_700_000_000_000 });
  assert.deepEqual(parse('topic=t&time=2023-11-14T22:13:20.000Z').from, { time: 1_700_000_000_000 });
  assert.equal(parse('topic=t&limit=5000').limit, 100, 'at most 100 a page');
});

test('bad queries are refused with what is wrong', () => {
  assert.throws(() => parse(''), /topic is required/);
  assert.throws(() => parse('topic=t&partition=-1'), /partition must be an integer ≥ 0, got "-1"/);
  assert.throws(() => parse('topic=t&offset=abc'), /offset must be an integer/);
  assert.throws(() => parse('topic=t&offset=1&time=2'), /not both/);
  assert.throws(() => parse('topic=t&time=yesterday'), /time must be epoch milliseconds or an ISO date/);
  assert.throws(() => parse('topic=t&limit=0'), /limit must be an integer ≥ 1/);
});
