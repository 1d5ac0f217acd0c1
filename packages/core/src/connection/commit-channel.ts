import type { CommitOffset } from '../model/topic-partition.js';
import { type CommitFailureReason, commitFailureReason } from './error-codes.js';

/** The outcome of one commit: the coordinator's answer, or no answer in time. */
export type CommitReply = { ok: true } | { ok: false; reason: CommitFailureReason; error: Error & { code?: number } };

/** One commit's result as librdkafka's offset_commit_cb reports it. */
export interface CommitResult {
  error?: { message: string; code?: number };
  offsets: Array<CommitOffset & { error?: { message: string; code?: number } }>;
}

interface PendingCommit {
  signature: string;
  /** Resolves the awaited promise (once) and delivers a late answer to `onLateReply`. */
  settle(reply: CommitReply, late: boolean): void;
}

const signatureOf = (offsets: readonly CommitOffset[]) =>
  offsets
    .map((o) => `${o.topic}/${o.partition}@${o.offset}`)
    .sort()
    .join(',');

/**
 * Turns the binding's fire-and-forget commit into one awaited promise per commit. The binding's
 * asynchronous `commit()` only queues the offsets; librdkafka reports the coordinator's answer to
 * `offset_commit_cb` with the same offsets, so each answer is matched to the oldest pending commit
 * of exactly those offsets (commits to one coordinator are answered in order). The JavaScript
 * thread never waits: a caller bounds its wait with `timeoutMs`; an answer that comes later still
 * reaches `onLateReply`, so its outcome is not lost.
 */
export class CommitChannel {
  private pending: PendingCommit[] = [];

  constructor(private readonly send: (offsets: CommitOffset[]) => void) {}

  commit(
    offsets: CommitOffset[],
    options: { timeoutMs: number; onLateReply?: (reply: CommitReply) => void },
  ): Promise<CommitReply> {
    return new Promise((resolve) => {
      let answered = false;
      const entry: PendingCommit = {
        signature: signatureOf(offsets),
        settle: (reply, late) => {
          if (!answered) {
            answered = true;
            clearTimeout(timer);
            resolve(reply);
          } else if (late) {
            options.onLateReply?.(reply);
          }
        },
      };
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no answer to the commit within ${options.timeoutMs} ms`), {});
        entry.settle({ ok: false, reason: 'timeout', error }, false);
      }, options.timeoutMs);
      timer.unref();
      this.pending.push(entry);
      try {
        this.send(offsets);
      } catch (err) {
        this.pending.splice(this.pending.indexOf(entry), 1);
        const error = err as Error & { code?: number };
        entry.settle({ ok: false, reason: commitFailureReason(error.code), error }, false);
      }
    });
  }

  /** librdkafka's answer to one commit (offset_commit_cb). */
  onResult(result: CommitResult): void {
    const signature = signatureOf(result.offsets);
    const index = this.pending.findIndex((p) => p.signature === signature);
    if (index < 0) return; // not ours (or already abandoned)
    const [entry] = this.pending.splice(index, 1);
    const failed = result.error ?? result.offsets.find((o) => o.error)?.error;
    const reply: CommitReply = failed
      ? {
          ok: false,
          reason: commitFailureReason(failed.code),
          error: Object.assign(new Error(`offset commit failed: ${failed.message}`), { code: failed.code }),
        }
      : { ok: true };
    entry?.settle(reply, true);
  }

  /** Ends every pending commit (the consumer is closing): their answers will not come. */
  abandonAll(why: string): void {
    const pending = this.pending;
    this.pending = [];
    for (const entry of pending) entry.settle({ ok: false, reason: 'other', error: new Error(why) }, true);
  }

  get inFlight(): number {
    return this.pending.length;
  }
}
