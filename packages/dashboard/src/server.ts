import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { ActionsApi } from './actions/actions-api.js';
import { DashboardCollector, type DashboardSource } from './collector.js';
import { explorerApi } from './explorer/explorer-api.js';
import { EXPLORER_PAGE } from './explorer/explorer-page.js';
import { MessageReader } from './explorer/message-reader.js';
import { type DashboardLogger, stderrLogger } from './logger.js';
import { dashboardPage } from './page.js';
import type { DashboardSnapshot } from './snapshot.js';

export interface DashboardOptions extends DashboardSource {
  port?: number;
  /** 127.0.0.1 unless said otherwise: the dashboard is for the people at this machine. */
  host?: string;
  intervalMs?: number;
  /** Structured logs (pino's `info`/`warn` will do). Default: JSON lines on stderr. */
  logger?: DashboardLogger;
  /**
   * Pause/resume and DLQ replay from the page (`--allow-actions`): every POST carries this token
   * (`Authorization: Bearer`), and the instances' health servers must have been started with the
   * same one (`control: { token }`; the service's CONTROL_TOKEN). Off by default: read-only.
   */
  actions?: { token: string };
}

export interface Dashboard {
  url: string;
  collector: DashboardCollector;
  close(): Promise<void>;
}

const uplotDir = () => dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
const html = (res: ServerResponse, body: string) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);

/**
 * Serves the dashboard: the page, uPlot from node_modules (no CDN), `/events` (server-sent events,
 * one snapshot per second), `/api/snapshot`, `/api/history`, and the message explorer (`/explorer`,
 * `/api/explorer/*`). Read-only unless `actions` is given: then `POST /api/actions/*` (with the
 * token) pause or resume partitions through the instances and replay DLQ topics; without it, it
 * answers GET only and nothing it serves changes the group (the explorer assigns partitions, joins
 * no group, commits nothing). It never shows configuration or the token.
 * The explorer does show message keys, headers and values — to the browser, never in logs.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const logger = options.logger ?? stderrLogger('info');
  const collector = new DashboardCollector(options, undefined, logger);
  const messages = new MessageReader(options.brokers, logger);
  const explorer = explorerApi(messages, logger);
  const actions = options.actions
    ? new ActionsApi({
        token: options.actions.token,
        brokers: options.brokers,
        group: options.group,
        latest: () => collector.history.at(-1),
        logger,
      })
    : undefined;
  const page = dashboardPage({ actions: actions !== undefined });
  const vendor: Record<string, { type: string; body: Buffer }> = {
    '/vendor/uPlot.iife.min.js': { type: 'text/javascript', body: readFileSync(join(uplotDir(), 'uPlot.iife.min.js')) },
    '/vendor/uPlot.min.css': { type: 'text/css', body: readFileSync(join(uplotDir(), 'uPlot.min.css')) },
  };
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (path.startsWith('/api/actions/')) {
      if (!actions)
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: actions need --allow-actions\n');
      else
        actions.handle(req, res, path).catch((err: Error) => {
          logger.warn({ err: err.message }, 'action request failed');
          if (!res.headersSent) res.writeHead(500).end();
        });
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/') html(res, page);
    else if (path === '/explorer') html(res, EXPLORER_PAGE);
    else if (vendor[path]) {
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
    } else if (!explorer(path, url.searchParams, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  let running = true;
  let wake: () => void = () => {};
  const push = (snapshot: DashboardSnapshot) => {
    if (actions) snapshot.paused = actions.pausedNow;
    const data = `data: ${JSON.stringify(snapshot)}\n\n`;
    for (const client of clients) client.write(data);
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        push(await collector.sample());
      } catch (err) {
        // A bug in a sample must not end the loop: the page would silently stop updating.
        logger.warn({ err: (err as Error).message }, 'dashboard sample failed');
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(0, (options.intervalMs ?? 1000) - (Date.now() - started)));
      });
    }
  })();
  const address = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}/`,
    collector,
    close: async () => {
      running = false;
      wake();
      await loop;
      for (const client of clients) client.end();
      await Promise.all([
        collector.close(),
        messages.close(),
        new Promise<void>((resolve) => server.close(() => resolve())),
      ]);
    },
  };
}
