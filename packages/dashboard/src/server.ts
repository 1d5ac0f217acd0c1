import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { DashboardCollector, type DashboardSnapshot, type DashboardSource } from './collector.js';
import { PAGE } from './page.js';

export interface DashboardOptions extends DashboardSource {
  port?: number;
  /** 127.0.0.1 unless said otherwise: the dashboard is for the people at this machine. */
  host?: string;
  intervalMs?: number;
}

export interface Dashboard {
  url: string;
  collector: DashboardCollector;
  close(): Promise<void>;
}

const uplotDir = () => dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

/**
 * Serves the dashboard: the page, uPlot from node_modules (no CDN), `/events` (server-sent events,
 * one snapshot per second), `/api/snapshot` and `/api/history`. Read-only: nothing it serves
 * changes the group, and it never shows configuration.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const collector = new DashboardCollector(options);
  const vendor: Record<string, { type: string; body: Buffer }> = {
    '/vendor/uPlot.iife.min.js': { type: 'text/javascript', body: readFileSync(join(uplotDir(), 'uPlot.iife.min.js')) },
    '/vendor/uPlot.min.css': { type: 'text/css', body: readFileSync(join(uplotDir(), 'uPlot.min.css')) },
  };
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
    } else if (vendor[path]) {
      res
        .writeHead(200, { 'content-type': vendor[path].type, 'cache-control': 'max-age=86400' })
        .end(vendor[path].body);
    } else if (path === '/api/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(collector.history.at(-1) ?? null));
    } else if (path === '/api/history') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(collector.history.slice(-300)));
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  let running = true;
  const push = (snapshot: DashboardSnapshot) => {
    const data = `data: ${JSON.stringify(snapshot)}\n\n`;
    for (const client of clients) client.write(data);
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      push(await collector.sample());
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, (options.intervalMs ?? 1000) - (Date.now() - started))),
      );
    }
  })();
  const address = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}/`,
    collector,
    close: async () => {
      running = false;
      await loop;
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
