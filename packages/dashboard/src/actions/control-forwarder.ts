import type { PauseRequest } from './action-request.js';

/** What one instance answered to a forwarded pause/resume. */
export interface InstanceAnswer {
  url: string;
  status: number | null;
  /** Partitions it owns that it applied the action to now. */
  applied?: string[];
  error?: string;
}

/** The instance's control URL: its /metrics URL's base + /control/<action>. */
export const controlUrl = (metricsUrl: string, action: 'pause' | 'resume') =>
  `${metricsUrl.replace(/\/metrics\/?$/, '')}/control/${action}`;

/**
 * Sends the action to every instance that answers now, with the dashboard's token: each one's
 * health server (started with `control: { token }`, the service's CONTROL_TOKEN) calls
 * `app.pause` / `app.resume`. Never throws: each instance's outcome is in its answer.
 */
export async function forwardControl(
  metricsUrls: readonly string[],
  action: 'pause' | 'resume',
  group: string,
  request: PauseRequest,
  token: string,
  timeoutMs = 3_000,
): Promise<InstanceAnswer[]> {
  return Promise.all(
    metricsUrls.map(async (url): Promise<InstanceAnswer> => {
      try {
        const res = await fetch(controlUrl(url, action), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ group, ...request }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await res.json().catch(() => ({}))) as { applied?: string[]; error?: string };
        if (res.ok) return { url, status: res.status, applied: body.applied ?? [] };
        const why =
          res.status === 404
            ? 'control is not enabled on this instance (start it with the same token: CONTROL_TOKEN)'
            : res.status === 401
              ? 'the instance refused the token (start it with the dashboard’s token: CONTROL_TOKEN)'
              : (body.error ?? `HTTP ${res.status}`);
        return { url, status: res.status, error: why };
      } catch (err) {
        return {
          url,
          status: null,
          error: (err as Error).name === 'TimeoutError' ? 'no answer' : (err as Error).message,
        };
      }
    }),
  );
}
