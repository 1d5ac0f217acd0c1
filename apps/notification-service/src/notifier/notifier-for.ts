import type { ServiceConfig } from '../config.js';
import { ConsoleNotifier } from './console-notifier.js';
import { FileNotifier } from './file-notifier.js';
import type { Notifier } from './notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** The notifier `NOTIFIER` selects (console, file or webhook), with its simulated latency. */
export function notifierFor(config: ServiceConfig): Notifier {
  const n = config.notifier;
  if (n.kind === 'file') return new FileNotifier(n.file as string, config.instanceId, n.latencyMs);
  if (n.kind === 'webhook') return new WebhookNotifier(n.url as string, n.timeoutMs, n.latencyMs);
  return new ConsoleNotifier(n.latencyMs);
}
