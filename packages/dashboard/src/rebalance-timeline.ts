import type { PartitionView, RebalanceEvent } from './snapshot.js';

const key = (p: { topic: string; partition: number }) => `${p.topic}/${p.partition}`;

type Move = RebalanceEvent['moves'][number] & { fromSettled: boolean };

/**
 * Owner changes as rebalance events, with how long a moved partition stood still. One rebalance
 * shows as one event: a partition that went a → nobody → b within `mergeWithinMs` reads as a → b
 * (cooperative rebalancing revokes first, assigns in a second round; the coordinator may name the
 * new member before its instance reports it).
 */
export class RebalanceTimeline {
  private readonly events: RebalanceEvent[] = [];
  private readonly lastOwners = new Map<string, { owner: string; settled: boolean }>();
  /** When each partition last made progress (its committed offset moved). */
  private readonly lastProgress = new Map<string, { at: number; offset: number | null }>();

  constructor(
    private readonly keep = 50,
    private readonly mergeWithinMs = 10_000,
  ) {}

  get all(): RebalanceEvent[] {
    return this.events.map((e) => ({ ...e, moves: e.moves.map((m) => ({ ...m })) }));
  }

  observe(at: number, partitions: PartitionView[]): void {
    const moves: Move[] = [];
    let pauseMs = 0;
    for (const p of partitions) {
      const id = key(p);
      const progress = this.lastProgress.get(id);
      if (!progress || progress.offset !== p.currentOffset) this.lastProgress.set(id, { at, offset: p.currentOffset });
      const before = this.lastOwners.get(id);
      if (before !== undefined && before.owner !== p.owner) {
        moves.push({ partition: id, from: before.owner, to: p.owner, fromSettled: before.settled });
        // How long the partition had been standing still when it changed hands (with lag waiting).
        if (progress && (p.lag ?? 0) > 0) pauseMs = Math.max(pauseMs, at - progress.at);
      }
      // Settled: an instance reports it (or reported it until it stopped). Nobody, or a member
      // named by the coordinator only, is a step on the way to the next settled owner.
      this.lastOwners.set(id, { owner: p.owner, settled: p.ownerSource === 'instance' || p.ownerSource === 'stopped' });
    }
    if (moves.length > 0) this.record(at, moves, pauseMs);
    while (this.events.length > this.keep) this.events.shift();
  }

  private record(at: number, moves: Move[], pauseMs: number): void {
    const last = this.events.at(-1);
    const recent = last && at - last.at <= this.mergeWithinMs ? last : undefined;
    // A move away from an unsettled owner continues the last event (a → nobody → b reads a → b); a
    // move away from a settled owner is a new rebalance (b joins, then leaves: a → b, then b → a).
    const fresh: RebalanceEvent['moves'] = [];
    for (const { fromSettled, ...move } of moves) {
      const earlier = recent?.moves.find((m) => m.partition === move.partition);
      if (!recent || fromSettled) fresh.push(move);
      else if (earlier) earlier.to = move.to;
      else recent.moves.push(move);
    }
    if (recent && fresh.length < moves.length) {
      recent.moves = recent.moves.filter((m) => m.from !== m.to);
      recent.pauseMs = Math.max(recent.pauseMs, pauseMs, at - recent.at);
      recent.at = at;
      if (recent.moves.length === 0) this.events.pop();
    }
    if (fresh.length > 0) this.events.push({ at, moves: fresh, pauseMs });
  }
}
