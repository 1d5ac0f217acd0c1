import type { LogLine } from './log-lines.js';

/**
 * Commits that moved a partition's committed offset backwards: every `committed` event any member
 * logged (when the coordinator acknowledged it), in acknowledgement order, per partition. Nothing
 * in the suite seeks or resets offsets, so the group's committed offset may only stay or grow; a
 * smaller offset acknowledged after a larger one is the bug of an old owner's late commit landing
 * over the new owner's (spring-kafka#3186).
 */
export function commitRegressions(lines: readonly LogLine[]): string[] {
  const commits = lines.filter((l) => l.ev === 'committed' && l.offs).sort((a, b) => a.ts - b.ts);
  const highest = new Map<string, { offset: number; by: string }>();
  const regressions: string[] = [];
  for (const line of commits) {
    for (const [partition, offset] of line.offs ?? []) {
      const before = highest.get(partition);
      if (before && offset < before.offset) {
        regressions.push(`${partition}: ${before.offset} (${before.by}) → ${offset} (${line.i}) at ${line.ts}`);
        continue;
      }
      highest.set(partition, { offset, by: line.i });
    }
  }
  return regressions;
}
