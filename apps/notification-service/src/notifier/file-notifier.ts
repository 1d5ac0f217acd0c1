import { appendFileSync } from 'node:fs';
import { type Notification, type Notifier, simulatedLatency } from './notifier.js';

/**
 * Appends one JSON line per notification to `path` — what tests count duplicates from. The append
 * is synchronous so a line is on disk before the handler returns (and before the offset can commit).
 */
export class FileNotifier implements Notifier {
  constructor(
    private readonly path: string,
    private readonly instance: string,
    private readonly latencyMs = 0,
  ) {}

  async send(n: Notification, { signal }: { signal: AbortSignal }): Promise<void> {
    await simulatedLatency(this.latencyMs, signal);
    appendFileSync(this.path, `${JSON.stringify({ ...n, instance: this.instance, at: Date.now() })}\n`);
  }
}
