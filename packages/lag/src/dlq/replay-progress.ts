/**
 * How far a replay got in one DLQ partition, kept in the replay's consumer group as the committed
 * offset and its metadata. Invariant: every offset below `position` is done (replayed, or no message
 * there), and `done` holds the done offsets above it (replayed past a message the filter skipped,
 * which stays for a later replay), as sorted, disjoint, non-adjacent inclusive ranges. So a
 * message is replayed at most once by every replay of this DLQ, whatever their filters.
 */
export class ReplayProgress {
  private constructor(
    private pos: number,
    private readonly done: Array<[number, number]>,
  ) {}

  /** Kafka keeps at most 4096 bytes of commit metadata by default (offset.metadata.max.bytes). */
  static readonly MAX_METADATA = 3_500;

  /** From the group's committed offset (null: never committed) and its metadata; `low` is the log start. */
  static fromCommit(committed: number | null, metadata: string | undefined, low: number): ReplayProgress {
    const progress = new ReplayProgress(committed ?? low, []);
    for (const [from, to] of parseRanges(metadata)) progress.markDone(from, to);
    if (progress.pos < low) progress.markDone(progress.pos, low - 1); // deleted by retention: nothing to replay
    return progress;
  }

  get position(): number {
    return this.pos;
  }

  isDone(offset: number): boolean {
    return offset < this.pos || this.done.some(([from, to]) => from <= offset && offset <= to);
  }

  /** Marks `from`…`to` (inclusive) done, advancing the position over a contiguous run. */
  markDone(from: number, to: number = from): void {
    if (to < from || to < this.pos) return;
    let lo = Math.max(from, this.pos);
    let hi = to;
    const kept: Array<[number, number]> = [];
    for (const [a, b] of this.done) {
      if (b < lo - 1 || a > hi + 1) kept.push([a, b]);
      else {
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
      }
    }
    kept.push([lo, hi]);
    kept.sort(([a], [b]) => a - b);
    if (kept[0]?.[0] === this.pos) this.pos = (kept.shift() as [number, number])[1] + 1;
    this.done.splice(0, this.done.length, ...kept);
  }

  /** The commit metadata: the done ranges above the position ('' when none). */
  metadata(): string {
    return this.done.length ? JSON.stringify({ done: this.done }) : '';
  }

  /** Whether one more range still fits in the metadata (else this run stops replaying the partition). */
  hasRoom(): boolean {
    return this.metadata().length + 40 <= ReplayProgress.MAX_METADATA;
  }
}

function parseRanges(metadata: string | undefined): Array<[number, number]> {
  if (!metadata) return [];
  try {
    const parsed = JSON.parse(metadata) as { done?: unknown };
    if (!Array.isArray(parsed.done)) return [];
    return parsed.done.filter(
      (r): r is [number, number] => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]),
    );
  } catch {
    return [];
  }
}
