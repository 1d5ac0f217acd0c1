import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CommitReply } from '../connection/commit-channel.js';
import { isRetryable, isStaleGeneration } from '../connection/error-codes.js';
import type { CommitKind, TributaryEvents } from '../events.js';
import { type CommitOffset, partitionNames } from '../model/topic-partition.js';
import { Assignment } from '../partitions/assignment.js';
import type { OwnedPartition } from '../partitions/owned-partition.js';

/** How long a periodic commit may go unanswered before the next one may start. */
const PERIODIC_TIMEOUT_MS = 30_000;
/** Retries of an awaited commit that the coordinator may still take: 100 ms, doubling to 1 s. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 1_000;

/** What the committer needs from the connection. */
export interface CommitPort {
  commit(offsets: CommitOffset[], timeoutMs: number, onLateReply?: (reply: CommitReply) => void): Promise<CommitReply>;
  isConnected(): boolean;
}

type Due = Array<{ owned: OwnedPartition; offset: CommitOffset }>;

/**
 * Commits what the owned partitions say is committable, always asynchronously at the binding and
 * awaited here, so the thread never blocks on the coordinator.
 * - Steady state: one commit per `intervalMs` (and soon after the pipeline went idle) covering
 *   every active partition that moved, one at a time: the commit rate is bounded by partitions per
 *   interval, not by messages. A failed one changes nothing: the next covers it.
 * - Revoke and shutdown (`commitNow`): awaited before the partitions are released, within a
 *   deadline; refusals the same member may retry (a round completing, a coordinator moving) are
 *   retried until then. A refusal because the member's generation is gone is final: the
 *   partitions may already be someone else's, so the offsets are never offered again in a later
 *   generation — they are counted, logged once with partitions and offsets, and their messages
 *   redelivered (at-least-once; idempotency covers effects). One exception, at shutdown or a seek:
 *   a stale generation (ILLEGAL_GENERATION: the member is still known, a round completed since)
 *   for partitions the consumer never gave up is retried, carrying the client's current
 *   generation — the member rejoined with them and still owns them (a commit sent while its own
 *   JoinGroup was parked waits behind it on the coordinator's connection, and is answered only
 *   after the round completed).
 * Invariant: only acknowledged commits move `OwnedPartition.committed`, and only forward.
 */
export class Committer {
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private periodicInFlight = false;
  /** The reason of the periodic failures since the last success: only the first one is a warning. */
  private failingWith?: string;

  constructor(
    private readonly groupId: string,
    private readonly port: CommitPort,
    private readonly assignment: Assignment,
    private readonly events: EventEmitter<TributaryEvents>,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.commitPeriodic(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.soon);
    this.soon = undefined;
  }

  /** Asks for a commit shortly (debounced), e.g. when the pipeline went idle. */
  commitSoon(): void {
    if (this.soon || !this.timer) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.commitPeriodic();
    }, 50);
    this.soon.unref();
  }

  private async commitPeriodic(): Promise<void> {
    if (this.periodicInFlight || !this.port.isConnected()) return;
    const due = Assignment.due(this.assignment.active());
    if (due.length === 0) return;
    this.periodicInFlight = true;
    try {
      const reply = await this.send(due, PERIODIC_TIMEOUT_MS, 'periodic');
      if (!reply.ok) this.failed(due, reply, 'periodic', true);
    } finally {
      this.periodicInFlight = false;
    }
  }

  /**
   * Commits the partitions' committable offsets and resolves once the coordinator acknowledged
   * them, or with the offsets it could not commit by `timeoutMs` (see the class comment).
   */
  async commitNow(partitions: OwnedPartition[], timeoutMs: number, kind: CommitKind): Promise<CommitOffset[]> {
    const deadline = performance.now() + timeoutMs;
    let pending = partitions;
    /** Offsets refused because the generation was over and the partition already given up. */
    const gone: CommitOffset[] = [];
    for (let wait = RETRY_MIN_MS; ; wait = Math.min(RETRY_MAX_MS, wait * 2)) {
      const due = Assignment.due(pending);
      if (due.length === 0) return gone;
      const reply = await this.send(due, Math.max(1, deadline - performance.now()), kind);
      if (reply.ok) return gone;
      const inTime = performance.now() + wait < deadline;
      if (inTime && this.mayRetryStale(reply, kind)) {
        // The commit carried a generation that a round completed after (it may have waited on the
        // coordinator's connection behind this member's own JoinGroup): the client carries the new
        // one once it joined. What the member still holds is retried; what it gave up is final.
        const kept = due.filter((d) => !d.owned.released);
        const released = due.filter((d) => d.owned.released);
        if (released.length > 0) this.failed(released, reply, kind, true);
        gone.push(...released.map((d) => d.offset));
        if (kept.length > 0) this.failed(kept, reply, kind, false, true);
        pending = kept.map((d) => d.owned);
        await sleep(wait);
        continue;
      }
      const retry = isRetryable(reply.reason) && inTime;
      this.failed(due, reply, kind, !retry);
      if (!retry) return [...gone, ...due.map((d) => d.offset)];
      await sleep(wait);
    }
  }

  /**
   * A stale generation (ILLEGAL_GENERATION) is worth another try at shutdown or a seek: the member
   * is still in the group and may have joined the round that ended its old generation, keeping its
   * partitions. Not at revoke: the member cannot rejoin while its revoke callback runs.
   */
  private mayRetryStale(reply: Extract<CommitReply, { ok: false }>, kind: CommitKind): boolean {
    return (kind === 'shutdown' || kind === 'seek') && isStaleGeneration(reply.error.code);
  }

  private async send(due: Due, timeoutMs: number, kind: CommitKind): Promise<CommitReply> {
    const started = performance.now();
    const offsets = due.map((d) => d.offset);
    const reply = await this.port.commit(offsets, timeoutMs, (late) => {
      if (late.ok) this.acknowledged(due, started, kind);
    });
    if (reply.ok) this.acknowledged(due, started, kind);
    return reply;
  }

  private acknowledged(due: Due, started: number, kind: CommitKind): void {
    for (const { owned, offset } of due) owned.acknowledged(offset.offset);
    this.failingWith = undefined;
    this.events.emit('offsets.committed', {
      groupId: this.groupId,
      offsets: due.map((d) => d.offset),
      durationMs: performance.now() - started,
      kind,
    });
  }

  private failed(
    due: Due,
    reply: Extract<CommitReply, { ok: false }>,
    kind: CommitKind,
    final: boolean,
    staleRetry = false,
  ): void {
    const offsets = due.map((d) => d.offset);
    this.events.emit('offsets.commit-failed', {
      groupId: this.groupId,
      offsets,
      error: reply.error,
      reason: reply.reason,
      kind,
      final,
    });
    const fields = {
      err: reply.error,
      reason: reply.reason,
      kind,
      partitions: partitionNames(offsets),
      offsets: offsets.map((o) => o.offset),
    };
    if (kind !== 'periodic') {
      const message = staleRetry
        ? `${kind}-time commit refused for a stale generation; this member still holds the partitions: ` +
          'retrying with its current generation'
        : reply.reason === 'generation-gone'
          ? `${kind}-time commit refused: this member's generation is over, the partitions may be another member's now; ` +
            'these offsets are not retried and their messages will be redelivered'
          : final
            ? `${kind}-time commit did not land in time: these offsets stay uncommitted and their messages will be redelivered`
            : `${kind}-time commit refused; retrying`;
      this.logger[final ? 'warn' : 'debug'](fields, message);
      return;
    }
    // Periodic: the next commit covers what is still ours (a revoke flushes what moves). Refusals
    // around a rebalance are expected; anything else warns once per failing streak.
    const expected = reply.reason === 'rebalance-in-progress' || reply.reason === 'generation-gone';
    const first = this.failingWith !== reply.reason;
    this.failingWith = reply.reason;
    this.logger[first && !expected ? 'warn' : 'debug'](
      fields,
      'offset commit failed; the next periodic commit covers it',
    );
  }
}
