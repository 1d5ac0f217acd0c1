import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Message as RawMessage } from '@confluentinc/kafka-javascript';
import pino from 'pino';
import { resolveGroupOptions } from '../config/group-options.js';
import type { TributaryEvents } from '../events.js';
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
  const deadline = Date.now() + 5_000;
  while (handled.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
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
