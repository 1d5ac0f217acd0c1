/**
 * Message values: a JSON object of exactly `bytes` bytes whose first fields sit at fixed positions,
 * so a handler reads the produce time without parsing JSON:
 * `{"ts":   1712345678901.123,"seq":       42,"pad":"xxxx…"}` (space-padded, so it stays valid JSON).
 */
const TS_START = 6;
const TS_LENGTH = 20;

/**
 * Wall-clock milliseconds, comparable across processes. `performance.timeOrigin + performance.now()`
 * (sub-millisecond) froze each process's wall-clock offset at its start: after the machine's clock
 * stepped, workers started later disagreed with the bench process by the step (a 16.3 s "latency"
 * for every contender on 2026-12-03). Date.now() reads the same clock in every process at the time.
 */
export const nowMs = (): number => Date.now();

export function encodeValue(seq: number, bytes: number, producedAt = nowMs()): Buffer {
  const head = `{"ts":${producedAt.toFixed(3).padStart(TS_LENGTH, ' ')},"seq":${String(seq).padStart(9, ' ')},"pad":"`;
  const pad = Math.max(0, bytes - head.length - 2);
  return Buffer.from(`${head}${'x'.repeat(pad)}"}`, 'latin1');
}

/**
 * A backlog message's value of exactly `bytes` bytes (its sequence number, space-padded, cut to
 * fit): backlogs are never parsed, and `encodeValue`'s JSON head alone is ~50 B, which made the
 * scaling workload's "16 B" values 50 B and let one partition keep only ~76,000 of them.
 */
export function backlogValue(seq: number, bytes: number): Buffer {
  return Buffer.from(String(seq).padStart(bytes, ' ').slice(-bytes), 'latin1');
}

export function producedAtOf(value: Buffer | null): number {
  if (!value || value.length < TS_START + TS_LENGTH) return Number.NaN;
  return Number(value.toString('latin1', TS_START, TS_START + TS_LENGTH));
}

/** Key index of message `i` and the partition it goes to: each key lives in one partition, all equally full. */
export function keyOf(i: number, keys: number): string {
  return `key-${i % keys}`;
}

export function partitionOf(i: number, keys: number, partitions: number): number {
  return (i % keys) % partitions;
}
