export interface Notification {
  eventId: string;
  taskId: string;
  ownerId: string;
  kind: 'task-created' | 'task-completed';
  text: string;
  /** Where the triggering event came from, for audits and duplicate counting. */
  source: { topic: string; partition: number; offset: number };
}

/** Delivers a notification (email, push, webhook…). Injected into the handlers by DI. */
export interface Notifier {
  send(notification: Notification, options: { signal: AbortSignal }): Promise<void>;
}

/** DI token of the notifier in use. */
export const NOTIFIER = Symbol.for('notification-service:notifier');

/** Waits `ms` like a slow email provider would, ending early on abort. */
export function simulatedLatency(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  });
}
