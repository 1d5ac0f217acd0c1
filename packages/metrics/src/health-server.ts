import { createServer, type Server } from 'node:http';
import type { TributaryApp } from '@tributary/core';
import type { TributaryMetrics } from './tributary-metrics.js';

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** The poll loop counts as stuck when it has not polled for this long. Default 30 s. */
  stuckAfterMs?: number;
  /** Extra JSON merged into /health/ready (e.g. instance id). */
  info?: Record<string, unknown>;
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
 * reports the owned partitions, which the demo and dashboard show.
 */
export async function startHealthServer(
  app: Pick<TributaryApp, 'events' | 'stats' | 'status'>,
  metrics: TributaryMetrics,
  options: HealthServerOptions,
): Promise<HealthServer> {
  const stuckAfterMs = options.stuckAfterMs ?? 30_000;
  const joined = new Set<string>();
  app.events.on('partitions.assigned', (e) => joined.add(e.groupId));
  const readiness = () => {
    const now = Date.now();
    const groups = app.stats().map((s) => ({
      group: s.groupId,
      joined: joined.has(s.groupId),
      stuck: s.lastPollAt === 0 || now - s.lastPollAt > stuckAfterMs,
      missingTopics: s.missingTopics,
      assigned: s.assigned.map((p) => `${p.topic}/${p.partition}`),
      inMemory: s.inMemory,
      paused: s.paused.length,
    }));
    const reasons = [
      ...(app.status === 'running' ? [] : [`the app is ${app.status}`]),
      ...groups.flatMap((g) => {
        if (g.missingTopics.length > 0) {
          return [`group ${g.group}: waiting for missing topics ${g.missingTopics.join(', ')}`];
        }
        if (!g.joined) return [`group ${g.group}: no partitions assigned yet`];
        if (g.stuck) return [`group ${g.group}: the poll loop has not polled for over ${stuckAfterMs / 1000} s`];
        return [];
      }),
    ];
    const ready = reasons.length === 0;
    return { ready, status: app.status, ...(ready ? {} : { reason: reasons.join('; ') }), groups, ...options.info };
  };
  const server = createServer(async (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    try {
      if (url === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.metrics());
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
