import type { IncomingMessage, ServerResponse } from 'node:http';
import { KafkaIoError, parseFilter, type ReplayItem, replayDlq } from '@tributary/lag';
import type { DashboardLogger } from '../logger.js';
import type { DashboardSnapshot } from '../snapshot.js';
import { ActionRequestError, nextPaused, parsePauseRequest, parseReplayRequest } from './action-request.js';
import { bearerMatches } from './action-token.js';
import { forwardControl } from './control-forwarder.js';

export interface ActionsContext {
  token: string;
  brokers: string;
  group: string;
  /** The latest snapshot: the group's topics, its DLQ topics and the instances up now. */
  latest: () => DashboardSnapshot | undefined;
  logger: DashboardLogger;
  timeoutMs?: number;
}

/** Dry-run and replay answers list at most this many entries (the summary counts all). */
export const REPLAY_LISTED = 200;

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

async function readJson(req: IncomingMessage, limit = 4096): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) throw new ActionRequestError('the body is too large');
  }
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new ActionRequestError('the body is not JSON');
  }
}

/**
 * `POST /api/actions/{pause,resume,replay}`, only with --allow-actions: each request carries
 * `Authorization: Bearer <token>` (401 otherwise) and is logged (action, topic, partition, counts;
 * never the token or message bytes). Pause/resume go to every instance up now; replay reuses
 * `tributary dlq replay` (its progress group: nothing is replayed twice), one at a time.
 */
export class ActionsApi {
  private paused = new Set<string>();
  private replaying = false;

  constructor(private readonly ctx: ActionsContext) {}

  /** What this dashboard paused and did not resume. */
  get pausedNow(): string[] {
    return [...this.paused].sort();
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const action = path.slice('/api/actions/'.length);
    if (action !== 'pause' && action !== 'resume' && action !== 'replay')
      return json(res, 404, { error: 'not found: POST /api/actions/pause, resume or replay' });
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!bearerMatches(req.headers.authorization, this.ctx.token)) {
      this.ctx.logger.warn({ action, status: 401 }, 'action refused: missing or wrong token');
      return json(res, 401, {
        error: 'missing or wrong token: use the one `tributary dashboard --allow-actions` printed',
      });
    }
    try {
      const body = await readJson(req);
      if (action === 'replay') await this.replay(body, res);
      else await this.control(action, body, res);
    } catch (err) {
      if (err instanceof ActionRequestError || (err instanceof KafkaIoError && err.kind === 'input'))
        return json(res, 400, { error: err.message });
      this.ctx.logger.warn({ action, err: (err as Error).message }, 'action failed');
      json(res, 502, { error: (err as Error).message });
    }
  }

  private async control(action: 'pause' | 'resume', body: unknown, res: ServerResponse): Promise<void> {
    const latest = this.ctx.latest();
    const topics = new Map<string, number>();
    for (const p of latest?.partitions ?? []) topics.set(p.topic, Math.max(topics.get(p.topic) ?? 0, p.partition + 1));
    const request = parsePauseRequest(body, topics);
    const up = (latest?.instances ?? []).filter((i) => i.state === 'up').map((i) => i.url);
    if (up.length === 0) return json(res, 409, { error: 'no instance answers now: nothing to pause or resume' });
    const answers = await forwardControl(up, action, this.ctx.group, request, this.ctx.token, this.ctx.timeoutMs);
    const ok = answers.filter((a) => a.status === 200).length;
    if (ok > 0) this.paused = nextPaused(this.paused, action, request);
    const fields = { action, group: this.ctx.group, ...request, instances: up.length, ok };
    if (ok === up.length) this.ctx.logger.info(fields, `action: ${action}`);
    else this.ctx.logger.warn(fields, `action: ${action} did not reach every instance`);
    json(res, ok === up.length ? 200 : 502, { action, ...request, answers, paused: this.pausedNow });
  }

  private async replay(body: unknown, res: ServerResponse): Promise<void> {
    const dlqTopics = (this.ctx.latest()?.deadLettered.topics ?? []).map((t) => t.topic);
    const request = parseReplayRequest(body, dlqTopics);
    if (this.replaying) return json(res, 409, { error: 'a replay is running: wait for it' });
    this.replaying = true;
    const items: ReplayItem[] = [];
    try {
      const summary = await replayDlq(
        {
          brokers: this.ctx.brokers,
          dlqTopic: request.dlqTopic,
          filter: parseFilter(request.filter),
          execute: request.execute,
          timeoutMs: this.ctx.timeoutMs ?? 10_000,
        },
        (_line, item) => {
          if (items.length < REPLAY_LISTED) items.push(item);
        },
      );
      this.ctx.logger.info(
        {
          action: 'replay',
          dlqTopic: request.dlqTopic,
          execute: request.execute,
          filtered: request.filter !== undefined,
          ...summary,
        },
        request.execute ? 'action: replay' : 'action: replay dry run',
      );
      json(res, 200, { ...request, summary, items, listed: items.length });
    } finally {
      this.replaying = false;
    }
  }
}
