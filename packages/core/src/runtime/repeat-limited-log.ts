/**
 * Writes a stream of similar lines at most once per key per interval: the first occurrence at
 * once, then, at the end of every interval in which the key recurred, one line with the last
 * occurrence and how many there were. A key that stayed quiet for a whole interval is forgotten,
 * so its next occurrence is written at once again. A client that cannot reach its brokers reports
 * the same error hundreds of times a second; this turns that into one line per interval.
 */
export class RepeatLimitedLog<T> {
  private readonly windows = new Map<string, { repeats: number; last: T; timer: NodeJS.Timeout }>();

  constructor(
    private readonly intervalMs: number,
    /** `repeats` is 0 for a first occurrence, else the count since the previous line of that key. */
    private readonly write: (entry: T, repeats: number) => void,
  ) {}

  record(key: string, entry: T): void {
    const window = this.windows.get(key);
    if (window) {
      window.repeats += 1;
      window.last = entry;
      return;
    }
    this.write(entry, 0);
    this.windows.set(key, { repeats: 0, last: entry, timer: this.closeLater(key) });
  }

  /** Writes what is still counted and forgets every key (at stop: nothing is left unreported). */
  flush(): void {
    for (const { repeats, last, timer } of this.windows.values()) {
      clearTimeout(timer);
      if (repeats > 0) this.write(last, repeats);
    }
    this.windows.clear();
  }

  private closeLater(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.close(key), this.intervalMs);
    // Pending counts must never keep the process alive.
    timer.unref();
    return timer;
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    if (window.repeats === 0) {
      this.windows.delete(key);
      return;
    }
    this.write(window.last, window.repeats);
    window.repeats = 0;
    window.timer = this.closeLater(key);
  }
}

/**
 * What makes two client errors "the same": the code and the text with numbers blanked, so
 * `Connect to ipv4#10.0.0.1:9092 failed … (after 3ms …)` and `… (after 5ms …)` share a key.
 */
export function similarityKey(code: unknown, text: string): string {
  return `${String(code ?? '')}:${text.replace(/\d+/g, '#')}`;
}
