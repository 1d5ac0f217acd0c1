import { type Notification, type Notifier, simulatedLatency } from './notifier.js';

/** The default: prints one line per notification (after the simulated delivery latency). */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly latencyMs = 0,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  async send(n: Notification, { signal }: { signal: AbortSignal }): Promise<void> {
    await simulatedLatency(this.latencyMs, signal);
    this.write(`notify ${n.ownerId}: ${n.text}`);
  }
}
