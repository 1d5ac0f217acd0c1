import { type Notification, type Notifier, simulatedLatency } from './notifier.js';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
}

/** POSTs the notification as JSON; a non-2xx answer or a timeout is an error (retried by middleware). */
export class WebhookNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
    private readonly latencyMs = 0,
  ) {}

  async send(n: Notification, { signal }: { signal: AbortSignal }): Promise<void> {
    await simulatedLatency(this.latencyMs, signal);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': n.eventId },
      body: JSON.stringify(n),
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    }).catch((err: Error) => {
      throw new WebhookError(
        `webhook ${this.url} failed: ${err.name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : err.message}`,
      );
    });
    if (!response.ok) throw new WebhookError(`webhook ${this.url} answered ${response.status}`);
  }
}
