import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ConsumerConnection } from '../connection/consumer-connection.js';
import type { TributaryEvents } from '../events.js';
import { isRebalanceRefusal, REBALANCE_IN_PROGRESS } from '../rebalance/generation-probe.js';
import { type CommitOffset, type OffsetTracker, partitionKey, type TopicPartition } from './offset-tracker.js';

/** How often offsets a rebalance refused are offered again (well inside `eagerHandoverGraceMs`). */
const CARRIED_RETRY_MS = 100;

/** A commit error as the client reports it. */
export interface CommitRefusal {
  message: string;
  code?: number;
}

/** How long the copy of a synchronous commit is waited for (see `Committer.syncEchoes`). */
const SYNC_ECHO_TTL_MS = 30_000;

const signatureOf = (offsets: CommitOffset[]) =>
  offsets
    .map((o) => `${o.topic}/${o.partition}@${o.offset}`)
    .sort()
    .join(',');

const sameOffset = (a: CommitOffset, b: CommitOffset) =>
  a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;

/** Later entries win per partition. */
function mergeOffsets(base: CommitOffset[], newer: CommitOffset[]): CommitOffset[] {
  const byPartition = new Map(base.map((o) => [`${o.topic}/${o.partition}`, o]));
  for (const o of newer) byPartition.set(`${o.topic}/${o.partition}`, o);
  return [...byPartition.values()];
}

/**
 * Commits what the tracker says is committable. Steady state: one asynchronous commit per
 * `intervalMs` (and soon after the pipeline goes idle) covering every partition that moved, so
 * the commit rate is bounded by partitions / interval, not by messages. Revoke and shutdown:
 * synchronous, retried. A failed commit changes nothing in the tracker, so the next one covers it.
 */
export class Committer {
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private inFlight?: { offsets: CommitOffset[]; startedAt: number };
  /**
   * Synchronous commits whose copy is still to come through `commit.result`: librdkafka reports
   * every commit to offset_commit_cb, synchronous ones too, and counting those copies as
   * asynchronous commits doubled the commit metrics and released the one-at-a-time guard early.
   */
  private syncEchoes: Array<{ signature: string; at: number }> = [];
  /** The generation probe waiting for its answer (see `probe`). */
  private probing?: { offset: CommitOffset; answer: (refusal: CommitRefusal | undefined) => void };
  /** Revoke-time offsets the coordinator refused mid-rebalance, committed once the group is stable. */
  private carried: CommitOffset[] = [];
  private carriedRetry?: NodeJS.Timeout;
  /** The settlement running now: settlements never overlap (each reads, then commits). */
  private settling?: Promise<unknown>;

  constructor(
    private readonly groupId: string,
    private readonly connection: ConsumerConnection,
    private readonly tracker: OffsetTracker,
    private readonly events: EventEmitter<TributaryEvents>,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** Partitions we may commit for (owned and not being revoked). */
    private readonly committablePartitions: () => TopicPartition[],
  ) {
    connection.on('commit.result', (error, offsets) => this.onResult(error, offsets));
  }

  start(): void {
    this.timer = setInterval(() => this.commitAsync(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.soon);
    clearTimeout(this.carriedRetry);
    this.carriedRetry = undefined;
  }

  /** On shutdown: keeps settling carried offsets until they landed or `timeoutMs` passed. */
  async flushCarried(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.carried.length > 0 && performance.now() < deadline) {
      await this.settleCarried([]);
      if (this.carried.length > 0) await sleep(CARRIED_RETRY_MS);
    }
    if (this.carried.length > 0) {
      this.logger.warn(
        { offsets: this.carried },
        'offsets carried over a rebalance were not committed before stop: their messages may be redelivered',
      );
    }
  }

  /** Asks for a commit shortly (debounced), e.g. when the pipeline went idle. */
  commitSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.commitAsync();
    }, 50);
    this.soon.unref();
  }

  private commitAsync(): void {
    if (this.inFlight && performance.now() - this.inFlight.startedAt < 30_000) return; // one at a time
    const offsets = this.tracker.due(this.committablePartitions());
    if (offsets.length === 0 || !this.connection.isConnected()) return;
    this.inFlight = { offsets, startedAt: performance.now() };
    try {
      this.connection.commitAsync(offsets);
    } catch (err) {
      this.inFlight = undefined;
      this.failed(offsets, err as Error, false);
    }
  }

  /**
   * Commits one offset asynchronously and resolves with the coordinator's refusal, or undefined once
   * it is accepted — the generation probe (`probeGeneration`). Asynchronous because the answer can
   * take a whole rebalance: a member that has rejoined has its JoinGroup pending, and the
   * coordinator answers nothing else on that connection until the round completes (a synchronous
   * commit would freeze the event loop that long). It waits for a commit already in flight and keeps
   * periodic commits back until answered, so answers cannot be mixed up; `'timeout'` after `timeoutMs`.
   */
  async probe(offset: CommitOffset, timeoutMs = 10_000): Promise<CommitRefusal | undefined | 'timeout'> {
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight || this.probing) {
      if (performance.now() > deadline) return 'timeout';
      await sleep(20);
    }
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<CommitRefusal | undefined>((answer) => {
      this.probing = { offset, answer };
    });
    this.inFlight = { offsets: [offset], startedAt: performance.now() };
    try {
      this.connection.commitAsync([offset]);
      return await Promise.race([
        answered,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - performance.now()));
        }),
      ]);
    } catch (err) {
      return { message: (err as Error).message, code: (err as { code?: number }).code };
    } finally {
      clearTimeout(timer);
      this.probing = undefined;
      this.inFlight = undefined;
    }
  }

  private onResult(error: CommitRefusal | undefined, offsets: CommitOffset[]): void {
    const probe = this.probing;
    if (probe && offsets.length === 1 && sameOffset(offsets[0] as CommitOffset, probe.offset)) {
      probe.answer(error);
      return;
    }
    if (this.isSyncEcho(offsets)) return;
    const startedAt = this.inFlight?.startedAt ?? performance.now();
    this.inFlight = undefined;
    if (error) {
      this.failed(
        offsets,
        Object.assign(new Error(`offset commit failed: ${error.message}`), { code: error.code }),
        false,
      );
      return;
    }
    this.tracker.committed(offsets);
    this.events.emit('offsets.committed', {
      groupId: this.groupId,
      offsets,
      durationMs: performance.now() - startedAt,
      sync: false,
    });
  }

  /**
   * Commits the given partitions' committable offsets and returns once the broker acknowledged.
   * Retries failures up to `attempts` times; returns false if it could not commit.
   *
   * A coordinator that is already rebalancing may refuse the commit (REBALANCE_IN_PROGRESS: real
   * Kafka accepts commits while preparing a rebalance, librdkafka's mock cluster does not). Retrying
   * cannot help then — the group waits for us — so the offsets are carried: offered again every
   * CARRIED_RETRY_MS and at the next assignment (`settleCarried()`) until they land.
   */
  async commitSync(partitions: TopicPartition[], attempts = 5): Promise<boolean> {
    const offsets = this.tracker.due(partitions);
    if (offsets.length === 0) return true;
    for (let attempt = 1; ; attempt++) {
      const error = this.tryCommitSync(offsets);
      if (!error) return true;
      if (error.code === REBALANCE_IN_PROGRESS || attempt >= attempts) {
        this.carried = mergeOffsets(this.carried, offsets);
        this.retryCarriedSoon();
        return false;
      }
      await sleep(100 * 2 ** (attempt - 1));
    }
  }

  /**
   * Settles offsets a mid-rebalance revoke could not commit; call on every assignment, before
   * assigning. Returns the carried positions of the partitions being assigned back to us: the
   * caller starts them there (not at the stale committed offset) and lets the tracker commit them.
   *
   * An assignment does not always mean the group is stable: under cooperative-sticky the revoking
   * round ends with an assignment and the member rejoins at once for the next round, so the commit
   * may be refused again. Carried offsets then stay for the next assignment instead of being
   * dropped (dropping them made the next owner repeat everything since the last periodic commit).
   * Before committing, each is checked against the group's committed offset: a later owner may have
   * committed further meanwhile, and our older offset must never move the group backwards.
   */
  async settleCarried(assigning: TopicPartition[]): Promise<CommitOffset[]> {
    while (this.settling) await this.settling;
    const settlement = this.settle(assigning);
    this.settling = settlement;
    try {
      return await settlement;
    } finally {
      this.settling = undefined;
      this.retryCarriedSoon();
    }
  }

  private async settle(assigning: TopicPartition[]): Promise<CommitOffset[]> {
    if (this.carried.length === 0) return [];
    const committed = await this.connection.committed(this.carried, 3_000).catch((err: Error) => {
      this.logger.debug({ err }, 'could not read committed offsets to settle carried ones; retrying');
      return undefined;
    });
    if (!committed) return this.takeAssigned(assigning);
    const groupOffset = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
    this.carried = this.carried.filter((c) => {
      const current = groupOffset.get(partitionKey(c.topic, c.partition));
      return current === undefined || current < 0 || current < c.offset;
    });
    const assigned = this.takeAssigned(assigning); // the tracker commits these from now on
    if (this.carried.length > 0 && !this.tryCommitSync(this.carried)) this.carried = [];
    return assigned;
  }

  /**
   * Offers carried offsets again shortly, and keeps doing so until they landed. Under the classic
   * cooperative protocol the member that gave partitions up may get no callback at all when the
   * round that hands them to someone else completes — yet that is the moment its commit becomes
   * possible and the new owner is about to read the committed offset (after its handover grace).
   */
  private retryCarriedSoon(): void {
    if (this.carriedRetry || this.carried.length === 0 || !this.timer) return;
    this.carriedRetry = setTimeout(() => {
      this.carriedRetry = undefined;
      void this.settleCarried([]);
    }, CARRIED_RETRY_MS);
    this.carriedRetry.unref();
  }

  /** Removes and returns the carried offsets of the given partitions. */
  private takeAssigned(assigning: TopicPartition[]): CommitOffset[] {
    const keys = new Set(assigning.map((tp) => partitionKey(tp.topic, tp.partition)));
    const taken = this.carried.filter((c) => keys.has(partitionKey(c.topic, c.partition)));
    this.carried = this.carried.filter((c) => !keys.has(partitionKey(c.topic, c.partition)));
    return taken;
  }

  /** Consumes the pending copy of a synchronous commit of exactly these offsets, if there is one. */
  private isSyncEcho(offsets: CommitOffset[]): boolean {
    const now = performance.now();
    // A copy that never came (the binding threw before librdkafka saw the commit) must not linger.
    this.syncEchoes = this.syncEchoes.filter((e) => now - e.at < SYNC_ECHO_TTL_MS);
    const signature = signatureOf(offsets);
    const index = this.syncEchoes.findIndex((e) => e.signature === signature);
    if (index < 0) return false;
    this.syncEchoes.splice(index, 1);
    return true;
  }

  private tryCommitSync(offsets: CommitOffset[]): (Error & { code?: number }) | undefined {
    const startedAt = performance.now();
    this.syncEchoes.push({ signature: signatureOf(offsets), at: startedAt });
    try {
      this.connection.commitSync(offsets);
    } catch (err) {
      const error = err as Error & { code?: number };
      this.failed(offsets, error, true);
      return error;
    }
    this.tracker.committed(offsets);
    this.events.emit('offsets.committed', {
      groupId: this.groupId,
      offsets,
      durationMs: performance.now() - startedAt,
      sync: true,
    });
    return undefined;
  }

  private failed(offsets: CommitOffset[], error: Error & { code?: number }, sync: boolean): void {
    // Refusals during a rebalance are expected (the revoke flush or the next generation handles them).
    const expected = isRebalanceRefusal(error.code);
    this.logger[expected ? 'debug' : 'warn'](
      { err: error, offsets, sync },
      'offset commit failed; the offsets stay uncommitted and will be retried',
    );
    this.events.emit('offsets.commit-failed', { groupId: this.groupId, offsets, error, sync });
  }
}
