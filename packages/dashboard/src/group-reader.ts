import {
  countDeadLetters,
  type DeadLetterCount,
  describeGroup,
  type GroupDescription,
  LagError,
  type LagSnapshot,
  OffsetReader,
  readLagWith,
} from '@tributary/lag';
import type { SnapshotError } from './snapshot.js';

export interface GroupRead {
  lag: LagSnapshot;
  deadLetters: DeadLetterCount;
}

export interface GroupReaderOptions {
  brokers: string;
  group: string;
  topics?: string[];
  /** Ask DescribeGroups (members, their group.instance.id, assignments). Default true. */
  members?: boolean;
  /** Per broker request; a sample against brokers that do not answer takes about this long. Default 3 s. */
  timeoutMs?: number;
}

/**
 * The broker side of a sample: the group's offsets, what its DLQ topics hold, and the group's
 * description. Keeps one connected reader between samples (a new client every second costs more
 * than the reads); a failed read drops it and the next sample connects again.
 */
export class GroupReader {
  private reader?: Promise<OffsetReader>;

  constructor(private readonly options: GroupReaderOptions) {}

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 3_000;
  }

  /** DescribeGroups, or undefined when the broker does not answer it (then nothing is checked against it). */
  describe(): Promise<GroupDescription | undefined> {
    if (this.options.members === false) return Promise.resolve(undefined);
    return describeGroup(this.options.brokers, this.options.group, this.timeoutMs);
  }

  /** @param knownTopics topics the group's members report owning (listed before anything is committed). */
  async read(knownTopics: string[]): Promise<GroupRead> {
    this.reader ??= OffsetReader.connect(this.options.brokers, this.options.group, this.timeoutMs);
    const pending = this.reader;
    try {
      const reader = await pending;
      const lag = await readLagWith(reader, {
        group: this.options.group,
        topics: this.options.topics,
        members: false,
        knownTopics,
      });
      const deadLetters = await countDeadLetters(reader, new Set(lag.rows.map((r) => r.topic)));
      return { lag, deadLetters };
    } catch (err) {
      // Unknown group/topic: the connection is fine, keep it.
      if (!(err instanceof LagError && (err.kind === 'unknown-group' || err.kind === 'unknown-topic'))) {
        if (this.reader === pending) this.reader = undefined;
        pending.then((r) => r.close()).catch(() => {});
      }
      throw err;
    }
  }

  /** The error as the page shows it: what failed, naming the brokers. */
  explain(err: unknown, at: number): SnapshotError {
    const kind = err instanceof LagError ? err.kind : 'broker';
    const message = (err as Error).message ?? String(err);
    const brokers = this.options.brokers;
    const named = message.includes(brokers)
      ? message
      : kind === 'unknown-group' || kind === 'unknown-topic'
        ? `${message} (brokers ${brokers})`
        : `brokers ${brokers}: ${message}`;
    return { kind, brokers: this.options.brokers, message: named, since: at };
  }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.then((r) => r.close()).catch(() => {});
  }
}
