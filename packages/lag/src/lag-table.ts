import { LagError, type MemberInfo, OffsetReader } from './kafka-offsets.js';

export interface LagRow {
  group: string;
  topic: string;
  partition: number;
  /** Committed offset, or null where the group never committed. */
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  member?: MemberInfo;
}

export interface LagSnapshot {
  at: number;
  group: string;
  rows: LagRow[];
  totalLag: number;
}

export interface ReadLagOptions {
  brokers: string;
  group: string;
  topics?: string[];
  timeoutMs?: number;
  /** Skip DescribeGroups (faster on brokers known not to have it). */
  members?: boolean;
  /**
   * Topics the caller knows the group consumes (e.g. its instances report owning their partitions):
   * listed without `topics` even before the group committed anything on them.
   */
  knownTopics?: string[];
}

/**
 * The `kafka-consumer-groups --describe` view of one group. Without `topics`, every topic the group
 * has committed offsets on, its members own partitions of, or `knownTopics` names. A group with
 * none of these is unknown.
 */
export async function readLag(options: ReadLagOptions): Promise<LagSnapshot> {
  const reader = await OffsetReader.connect(options.brokers, options.group, options.timeoutMs);
  try {
    return await readLagWith(reader, options);
  } finally {
    await reader.close();
  }
}

/** `readLag` on a reader the caller keeps connected (the dashboard reads once a second). */
export async function readLagWith(
  reader: OffsetReader,
  options: Omit<ReadLagOptions, 'brokers' | 'timeoutMs'>,
): Promise<LagSnapshot> {
  const topics = await reader.topics(options.topics);
  const owners = options.members === false ? new Map<string, MemberInfo>() : await reader.members(options.group);
  const known = new Set(options.knownTopics ?? []);
  const rows: LagRow[] = [];
  for (const [topic, partitions] of [...topics].sort(([a], [b]) => a.localeCompare(b))) {
    const [committed, ends] = await Promise.all([
      reader.committed(topic, partitions),
      reader.endOffsets(topic, partitions),
    ]);
    const owned = known.has(topic) || [...owners.keys()].some((key) => key.startsWith(`${topic}/`));
    if (!options.topics && !owned && committed.every((c) => c === null)) continue; // not this group's topic
    for (let partition = 0; partition < partitions; partition++) {
      const currentOffset = committed[partition] ?? null;
      const logEndOffset = ends[partition] as number;
      rows.push({
        group: options.group,
        topic,
        partition,
        currentOffset,
        logEndOffset,
        lag: currentOffset === null ? null : Math.max(0, logEndOffset - currentOffset),
        member: owners.get(`${topic}/${partition}`),
      });
    }
  }
  const seen = rows.some((r) => r.currentOffset !== null || r.member || known.has(r.topic));
  if (!seen) {
    const where = options.topics ? `topics ${options.topics.join(', ')}` : 'any topic';
    throw new LagError(
      `unknown group ${options.group}: no members and no committed offsets on ${where}`,
      'unknown-group',
    );
  }
  return { at: Date.now(), group: options.group, rows, totalLag: rows.reduce((n, r) => n + (r.lag ?? 0), 0) };
}

export interface TrendRow extends LagRow {
  /** Lag change per second since the previous snapshot (+ falling behind, − catching up). */
  lagPerSecond?: number;
  /** Seconds until this partition's lag reaches 0 at the current pace (undefined if not catching up). */
  catchUpSeconds?: number;
}

/** Lag trend and time to catch up, per partition, between two snapshots of the same group. */
export function withTrend(previous: LagSnapshot | undefined, current: LagSnapshot): TrendRow[] {
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  return current.rows.map((row) => {
    const before = previous?.rows.find((r) => r.topic === row.topic && r.partition === row.partition);
    if (!before || seconds <= 0 || row.lag === null || before.lag === null) return { ...row };
    const lagPerSecond = (row.lag - before.lag) / seconds;
    return {
      ...row,
      lagPerSecond,
      catchUpSeconds: lagPerSecond < 0 && row.lag > 0 ? row.lag / -lagPerSecond : row.lag === 0 ? 0 : undefined,
    };
  });
}

const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : String(v));

/** Renders the table as the Kafka tool does, plus a TOTAL line (and trend columns when given). */
export function formatLagTable(rows: TrendRow[], options: { trend?: boolean } = {}): string {
  const header = [
    'GROUP',
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
    'CONSUMER-ID',
    'HOST',
    'CLIENT-ID',
  ];
  if (options.trend) header.push('TREND/s', 'CATCH-UP');
  const lines = rows.map((r) => {
    const cells = [
      r.group,
      r.topic,
      r.partition,
      dash(r.currentOffset),
      r.logEndOffset,
      dash(r.lag),
      dash(r.member?.consumerId),
      dash(r.member?.host),
      dash(r.member?.clientId),
    ];
    if (options.trend) {
      cells.push(r.lagPerSecond === undefined ? '-' : `${r.lagPerSecond >= 0 ? '+' : ''}${r.lagPerSecond.toFixed(1)}`);
      cells.push(r.catchUpSeconds === undefined ? '-' : `${Math.ceil(r.catchUpSeconds)}s`);
    }
    return cells.map(String);
  });
  const total = rows.reduce((n, r) => n + (r.lag ?? 0), 0);
  const totalLine = ['TOTAL', '', '', '', '', String(total), '', '', ''];
  if (options.trend) {
    const rate = rows.reduce((n, r) => n + (r.lagPerSecond ?? 0), 0);
    totalLine.push(
      `${rate >= 0 ? '+' : ''}${rate.toFixed(1)}`,
      rate < 0 && total > 0 ? `${Math.ceil(total / -rate)}s` : total === 0 ? '0s' : '-',
    );
  }
  const all = [header, ...lines, totalLine];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (cell ?? '').padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
