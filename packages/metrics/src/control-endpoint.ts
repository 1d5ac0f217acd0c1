import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TributaryApp } from '@tributary/core';

/** Enables POST /control/pause and /control/resume on the health server, behind a bearer token. */
export interface ControlOptions {
  /** Required in `Authorization: Bearer <token>`; at least 16 characters. */
  token: string;
  /** Each action, structured (group, topic, partition, outcome; never the token). */
  logger?: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface ControlRequest {
  group: string;
  topic: string;
  partition?: number;
}

/** A control request that cannot be parsed: 400 with this message. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
}

/** `{ group, topic, partition? }`, checked field by field. */
export function parseControlRequest(body: unknown): ControlRequest {
  const b = body as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null) throw new ControlRequestError('the body must be a JSON object');
  if (typeof b.group !== 'string' || b.group === '') throw new ControlRequestError('group must be a non-empty string');
  if (typeof b.topic !== 'string' || b.topic === '') throw new ControlRequestError('topic must be a non-empty string');
  if (b.partition !== undefined && (!Number.isInteger(b.partition) || (b.partition as number) < 0))
    throw new ControlRequestError('partition must be a non-negative integer');
  return {
    group: b.group,
    topic: b.topic,
    ...(b.partition === undefined ? {} : { partition: b.partition as number }),
  };
}

/** Compares `Authorization: Bearer <token>` in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function readJson(req: IncomingMessage, limit = 4096): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) throw new ControlRequestError('the body is too large');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlRequestError('the body is not JSON');
  }
}

/**
 * Handles `/control/*` (the caller checked the path starts so): POST only, the token, then
 * `app.pause` / `app.resume`. Answers `{ applied: ["topic/partition", …] }` — the partitions
 * this instance owns that it applied to now (the pause holds later assignments too).
 */
export async function handleControl(
  app: Pick<TributaryApp, 'pause' | 'resume'>,
  options: ControlOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const action = path === '/control/pause' ? 'pause' : path === '/control/resume' ? 'resume' : undefined;
  if (!action) return json(res, 404, { error: 'not found: POST /control/pause or /control/resume' });
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  if (!bearerMatches(req.headers.authorization, options.token)) {
    options.logger?.warn({ action, status: 401 }, 'control request without a valid token');
    return json(res, 401, { error: 'missing or wrong bearer token' });
  }
  let request: ControlRequest;
  try {
    request = parseControlRequest(await readJson(req));
  } catch (err) {
    if (err instanceof ControlRequestError) return json(res, 400, { error: err.message });
    throw err;
  }
  try {
    const applied = app[action](request).map((tp) => `${tp.topic}/${tp.partition}`);
    options.logger?.info({ action, ...request, applied: applied.length }, `control: ${action}`);
    json(res, 200, { action, ...request, applied });
  } catch (err) {
    // An unknown group is the caller's mistake: ControlError from the app.
    options.logger?.warn({ action, ...request, err: (err as Error).message }, `control: ${action} refused`);
    json(res, (err as Error).name === 'ControlError' ? 409 : 500, { error: (err as Error).message });
  }
}
