import type { LagSnapshot } from '@tributary/lag';

export interface ViewState {
  elapsedS: number;
  durationS: number;
  produced: number;
  producedPerS: number;
  notified: number;
  notifiedPerS: number;
  duplicates: number;
  dlq: number;
  instances: string[];
  lag: LagSnapshot[];
  owners: Map<string, string>;
  events: string[];
}

const pad = (v: unknown, n: number) => String(v).padStart(n);

/** One screen, at most 80 columns and 24 lines: per-partition offsets and owners, then totals. */
export function renderView(s: ViewState): string {
  const lines: string[] = [];
  lines.push(`Tributary demo  ${pad(s.elapsedS, 3)}/${s.durationS}s   instances: ${s.instances.join(' ') || '-'}`);
  lines.push(`${'TOPIC'.padEnd(15)}${pad('P', 2)}${pad('CURRENT', 10)}${pad('LOG-END', 10)}${pad('LAG', 8)}  OWNER`);
  for (const snapshot of s.lag) {
    for (const row of snapshot.rows) {
      const owner = s.owners.get(`${row.topic}/${row.partition}`) ?? '-';
      lines.push(
        `${row.topic.padEnd(15)}${pad(row.partition, 2)}${pad(row.currentOffset ?? '-', 10)}${pad(row.logEndOffset, 10)}${pad(row.lag ?? '-', 8)}  ${owner}`,
      );
    }
  }
  const totalLag = s.lag.reduce((n, l) => n + l.totalLag, 0);
  lines.push('');
  lines.push(
    `produced ${pad(s.produced, 7)} (${pad(s.producedPerS, 4)}/s)   notified ${pad(s.notified, 7)} (${pad(s.notifiedPerS, 4)}/s)`,
  );
  lines.push(`lag ${pad(totalLag, 6)}   duplicates ${s.duplicates}   dead-lettered ${s.dlq}`);
  for (const e of s.events.slice(-3)) lines.push(`» ${e}`);
  return lines.map((l) => l.slice(0, 80)).join('\n');
}
