import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import pino from 'pino';
import { resolveGroupOptions } from '../config/group-options.js';
import type { TributaryEvents } from '../events.js';
import type { MessageContext } from '../message.js';
import type { HandlerDefinition } from '../model/definitions.js';
import { Assignment } from '../partitions/assignment.js';
import { type FetchPort, Pipeline } from './pipeline.js';

const raw = (offset: number) => ({ topic: 't', partition: 0, offset, value: null, size: 0 }) as unknown as RawMessage;

/** A consumer whose polls the test scripts: each entry a batch, or an error to reject with. */
class ScriptedFetch implements FetchPort {
  constructor(private readonly script: Array<RawMessage[] | Error>) {}
  async consume(): Promise<RawMessage[]> {
    const next = this.script.shift();
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (next instanceof Error) throw next;
    return next ?? [];
  }
  pause() {}
  resume() {}
}

function pipeline(script: Array<RawMessage[] | Error>) {
  const assignment = new Assignment();
  assignment.add([{ topic: 't', partition: 0 }]);
  const handled: number[] = [];
  const fetchErrors: string[] = [];
  let stopping = false;
  const handler = { name: 'H.on' } as HandlerDefinition;
  const p = new Pipeline({
    groupId: 'g',
    fetch: new ScriptedFetch(script),
    assignment,
    handlersByTopic: new Map([['t', handler]]),
    chains: new Map([['H.on', async (ctx) => void handled.push(ctx.message.offset)]]),
    options: resolveGroupOptions({}),
    events: new EventEmitter<TributaryEvents>(),
    logger: pino({ level: 'silent' }),
    onIdle: () => {},
    onFetchError: (e) => fetchErrors.push(e.message),
    isStopping: () => stopping,
  });
  return { p, handled, fetchErrors, assignment, stop: () => (stopping = true) };
}

test('a failed poll is reported and polling goes on; messages admitted before and after are handled in order', async () => {
  const { p, handled, fetchErrors, assignment, stop } = pipeline([
    [raw(0), raw(1)],
    new Error('Broker: Unknown topic or partition'),
    [raw(2)],
  ]);
  const done = p.run();
  const deadline = performance.now() + 5_000;
  while (handled.length < 3 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  stop();
  await done;
  assert.deepEqual(handled, [0, 1, 2]);
  assert.deepEqual(fetchErrors, ['Broker: Unknown topic or partition']);
  assert.equal(assignment.get('t', 0)?.due()?.offset, 3);
});

test('a fatal client error ends the pipeline with that error', async () => {
  const fatal = Object.assign(new Error('fenced'), { isFatal: true });
  const { p } = pipeline([fatal]);
  await assert.rejects(p.run(), /fenced/);
});

/** A one-partition pipeline over `fetch` whose handler runs `handle`; `stop()` ends its polling. */
function onePartitionPipeline(
  fetch: FetchPort,
  handle: (ctx: MessageContext) => Promise<void>,
  options: Parameters<typeof resolveGroupOptions>[0],
) {
  const assignment = new Assignment();
  assignment.add([{ topic: 't', partition: 0 }]);
  let stopping = false;
  const p = new Pipeline({
    groupId: 'g',
    fetch,
    assignment,
    handlersByTopic: new Map([['t', { name: 'H.on' } as HandlerDefinition]]),
    chains: new Map([['H.on', handle]]),
    options: resolveGroupOptions(options),
    events: new EventEmitter<TributaryEvents>(),
    logger: pino({ level: 'silent' }),
    onIdle: () => {},
    onFetchError: () => {},
    isStopping: () => stopping,
  });
  return {
    p,
    stop: () => {
      stopping = true;
    },
  };
}

test('with the budget full past its grace, polls do not wait for messages, and fetching goes on as soon as a message leaves', async () => {
  const calls: Array<{ at: number; max: number; waitMs: number | undefined }> = [];
  let batches: RawMessage[][] = [[raw(0), raw(1)]];
  // Like the consumer: a paused partition's messages are not returned (else a blocked poll in
  // flight at the release could return the next batch, and no normal poll would follow it).
  let paused = false;
  const fetch: FetchPort = {
    async consume(max, waitMs) {
      calls.push({ at: performance.now(), max, waitMs });
      await new Promise((resolve) => setTimeout(resolve, 1));
      return paused ? [] : (batches.shift() ?? []);
    },
    pause(partitions) {
      if (partitions.length > 0) paused = true;
    },
    resume(partitions) {
      if (partitions.length > 0) paused = false;
    },
  };
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handled: number[] = [];
  const { p, stop } = onePartitionPipeline(
    fetch,
    async (ctx) => {
      if (ctx.message.offset === 0) await gate;
      handled.push(ctx.message.offset);
    },
    { maxInFlight: 2 },
  );
  const done = p.run();
  // A failing assertion must still end the pipeline (and release the gate), or the file hangs instead of failing.
  try {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const blocked = calls.slice(1);
    assert.ok(blocked.length >= 2, `kept polling while full (${blocked.length} polls)`);
    assert.ok(
      blocked[0] && blocked[0].at - (calls[0]?.at ?? 0) >= 90,
      'no poll during the grace (the room may come back)',
    );
    assert.ok(
      blocked.every((c) => c.waitMs === 0),
      'a poll with nothing to fetch does not wait for messages',
    );
    assert.ok(blocked.length <= 6, `not a busy loop: ${blocked.length} polls in 450 ms`);
    batches = [[raw(2)]];
    const releasedAt = performance.now();
    release();
    const deadline = performance.now() + 2_000;
    while (handled.length < 3 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    const resumed = calls.find((c) => c.at > releasedAt && c.waitMs === undefined);
    assert.ok(resumed, 'a normal poll followed the release');
    assert.ok(
      resumed.at - releasedAt < 80,
      `fetching resumed ${Math.round(resumed.at - releasedAt)} ms after room freed`,
    );
  } finally {
    release();
    stop();
    await done;
  }
  assert.deepEqual(handled, [0, 1, 2]);
});

test('a full budget that frees within its grace pauses nothing (a pause would drop what librdkafka prefetched)', async () => {
  const polls: number[] = [];
  let paused = 0;
  let batches: RawMessage[][] = [[raw(0), raw(1)]];
  const fetch: FetchPort = {
    async consume(max) {
      polls.push(max);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return batches.shift() ?? [];
    },
    pause(tps) {
      paused += tps.length;
    },
    resume() {},
  };
  const handled: number[] = [];
  const { p, stop } = onePartitionPipeline(
    fetch,
    async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // fills the budget of 2 for 20 ms
      handled.push(ctx.message.offset);
      if (ctx.message.offset === 1) batches = [[raw(2)]];
    },
    { maxInFlight: 2, ordering: 'unordered' },
  );
  const done = p.run();
  const deadline = performance.now() + 2_000;
  while (handled.length < 3 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  stop();
  await done;
  assert.deepEqual(handled, [0, 1, 2]);
  assert.equal(paused, 0, 'nothing was paused');
});
