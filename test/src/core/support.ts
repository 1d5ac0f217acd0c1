import 'reflect-metadata';
import type { Message, MessageContext } from '@tributary/core';
import { type DependencyContainer, container as root } from 'tsyringe';

export interface Processed {
  member: string;
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  seq: number;
  startedAt: number;
  endedAt: number;
}

/**
 * What handlers did, shared by every member of a test (injected by DI). `active` counts handlers
 * running right now so tests can assert that overlap really happened.
 */
export class Recorder {
  readonly processed: Processed[] = [];
  active = 0;
  maxActive = 0;
  /** Per partition key: handlers of that partition running now / at most. */
  readonly activeByPartition = new Map<string, number>();
  readonly maxActiveByPartition = new Map<string, number>();
  delayMs: (msg: Message<{ seq: number }>) => number = () => 0;
  /** Per-message gate: return a promise to hold the handler (e.g. until a test releases it). */
  gate: (msg: Message<{ seq: number }>) => Promise<void> | undefined = () => undefined;
  /** Throw for some messages. */
  failWhen: (msg: Message<{ seq: number }>) => boolean = () => false;

  async handle(member: string, msg: Message<{ seq: number }>, ctx: MessageContext) {
    const startedAt = Date.now();
    const pk = `${msg.topic}/${msg.partition}`;
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.activeByPartition.set(pk, (this.activeByPartition.get(pk) ?? 0) + 1);
    this.maxActiveByPartition.set(
      pk,
      Math.max(this.maxActiveByPartition.get(pk) ?? 0, this.activeByPartition.get(pk) ?? 0),
    );
    try {
      if (this.failWhen(msg)) throw new Error(`refusing ${msg.topic}/${msg.partition}@${msg.offset}`);
      const delay = this.delayMs(msg);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      await this.gate(msg);
      if (ctx.signal.aborted) throw new Error('aborted');
      this.processed.push({
        member,
        topic: msg.topic,
        partition: msg.partition,
        offset: msg.offset,
        key: msg.key,
        seq: msg.value.seq,
        startedAt,
        endedAt: Date.now(),
      });
    } finally {
      this.active -= 1;
      this.activeByPartition.set(pk, (this.activeByPartition.get(pk) ?? 1) - 1);
    }
  }

  /** `topic/partition@offset` strings processed more than once. */
  duplicates(): string[] {
    const seen = new Set<string>();
    const dupes: string[] = [];
    for (const p of this.processed) {
      const id = `${p.topic}/${p.partition}@${p.offset}`;
      if (seen.has(id)) dupes.push(id);
      seen.add(id);
    }
    return dupes;
  }

  distinct(): number {
    return new Set(this.processed.map((p) => `${p.topic}/${p.partition}@${p.offset}`)).size;
  }
}

/** A child container per member, with the shared recorder and the member's name injected. */
export function memberContainer(recorder: Recorder, member: string): DependencyContainer {
  const child = root.createChildContainer();
  child.register(Recorder, { useValue: recorder });
  child.register('member', { useValue: member });
  return child;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Commits every 200 ms, so tests see a commit round in well under a second. Everything else: defaults. */
export const fastCommits = { commitIntervalMs: 200 } as const;

export const quietLogger = { level: process.env.TRIBUTARY_TEST_LOG_LEVEL ?? 'warn' };
