import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/**
 * One line of a member process's log (member/record.ts writes it; the suite's fixtures use the same format):
 * - a handled message: `t`/`p`/`o` (its coordinates), `k` (key), `out` (final outcome);
 * - a side effect: `effect` (the business id), `at` (the coordinates of the message it ran for, when known);
 * - a lifecycle event: `ev` ('app' | 'assigned' | 'revoked' | 'lost' | 'committed' | 'offset-reset' | …).
 * Every line carries the process name `i`, its `pid` and a wall-clock `ts`.
 */
export interface LogLine {
  i: string;
  pid?: number;
  ts: number;
  t?: string;
  p?: number;
  o?: number;
  k?: string | null;
  id?: string;
  out?: 'done' | 'skipped' | 'dead-lettered' | 'skipped-bad';
  effect?: string;
  at?: string;
  ev?: string;
  tps?: string[];
  /** On `assigned`: the whole assignment (eager), not an increment. */
  eager?: boolean;
  offs?: [string, number][];
  tp?: string;
  code?: number;
  error?: string;
}

/** `topic/partition@offset`: a record's identity in the log. */
export const coordinates = (topic: string, partition: number, offset: number) => `${topic}/${partition}@${offset}`;

/**
 * Reads a JSON-lines file incrementally: each call parses only what was appended since the last one
 * (scenarios poll logs that grow to hundreds of thousands of lines). A trailing partial line — a
 * writer caught mid-write — waits for the next call.
 */
export class LogReader {
  private offset = 0;
  readonly lines: LogLine[] = [];

  constructor(readonly file: string) {}

  read(): LogLine[] {
    if (!existsSync(this.file)) return this.lines;
    const size = statSync(this.file).size;
    if (size <= this.offset) return this.lines;
    const buffer = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    // Only complete lines are decoded (a UTF-8 sequence is never cut); the rest is read again next time.
    const end = buffer.lastIndexOf(0x0a);
    if (end < 0) return this.lines;
    this.offset += end + 1;
    for (const part of buffer.subarray(0, end).toString('utf8').split('\n'))
      if (part) this.lines.push(JSON.parse(part) as LogLine);
    return this.lines;
  }
}
