import { createServer, type Server } from 'node:http';
import type { TributaryApp } from '@tributary/core';
import { type ControlOptions, handleControl } from './control-endpoint.js';
import type { TributaryMetrics } from './tributary-metrics.js';

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** The poll loop counts as stuck when it has not polled for this long. Default 30 s. */
  stuckAfterMs?: number;
  /** Extra JSON merged into /health/ready (e.g. instance id). */
  info?: Record<string, unknown>;
  /**
   * Enables POST /control/pause and /control/resume (`{ group, topic, partition? }`, JSON) with
   * `Authorization: Bearer <token>` — what the dashboard's actions call. Off by default (404).
   */
  control?: ControlOptions;
}

export interface HealthServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Per-instance HTTP endpoint: `/metrics` (Prometheus text), `/health/live` (the process answers),
 * `/health/ready` (running, every subscribed topic exists, joined — at least one assignment seen —
 * and every group's poll loop polled recently). When not ready, `reason` says why, naming the
 * group and, for a group waiting for topics (`missingTopics: 'wait'`), the topics. Ready also
 * reports the owned partitions, which the demo and dashboard show. With `control`, also
 * `/control/pause` and `/control/resume` (POST, bearer token; 401 without it) calling `app.pause/resume`.
 */
export async function startHealthServer(
  app: Pick<TributaryApp, 'readiness'> & Partial<Pick<TributaryApp, 'pause' | 'resume'>>,
  metrics: TributaryMetrics,
  options: HealthServerOptions,
): Promise<HealthServer> {
  const stuckAfterMs = options.stuckAfterMs ?? 30_000;
  const readiness = () => ({ ...app.readiness({ stuckAfterMs }), ...options.info });
  const control = options.control;
  if (control && control.token.length < 16)
    throw new TypeError('startHealthServer: control.token must be at least 16 characters');
  if (control && (!app.pause || !app.resume)) throw new TypeError('startHealthServer: control needs app.pause/resume');
  const server = createServer(async (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    try {
      if (url?.startsWith('/control/') && control) {
        await handleControl(app as Pick<TributaryApp, 'pause' | 'resume'>, control, req, res, url);
      } else if (url === '/metrics') {
        const text = await metrics.metrics(); // before the head: a failure still gets its 500
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      } else if (url === '/health/live') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ live: true }));
      } else if (url === '/health/ready') {
        const body = readiness();
        res.writeHead(body.ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: try /metrics, /health/live, /health/ready\n');
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return { server, port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
