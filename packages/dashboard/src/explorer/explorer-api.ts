import type { ServerResponse } from 'node:http';
import type { DashboardLogger } from '../logger.js';
import { ExplorerInputError, type MessageReader, type PageFrom } from './message-reader.js';

export interface PageQuery {
  topic: string;
  partition: number;
  from: PageFrom;
  limit: number;
}

const integer = (text: string, what: string, min: number) => {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new ExplorerInputError(`${what} must be an integer ≥ ${min}, got "${text}"`);
  return n;
};

/**
 * `topic`, `partition` (default 0), then one of `offset`, `time` (epoch ms or an ISO date) or
 * neither (the latest page), and `limit` (1–100, default 20).
 */
export function parsePageQuery(params: URLSearchParams): PageQuery {
  const topic = params.get('topic')?.trim();
  if (!topic) throw new ExplorerInputError('topic is required');
  const partition = integer(params.get('partition') ?? '0', 'partition', 0);
  const limit = Math.min(100, integer(params.get('limit') ?? '20', 'limit', 1));
  const offset = params.get('offset');
  const time = params.get('time');
  if (offset && time) throw new ExplorerInputError('give offset or time, not both');
  let from: PageFrom = { latest: true };
  if (offset) from = { offset: integer(offset, 'offset', 0) };
  else if (time) {
    const ms = /^\d+$/.test(time) ? Number(time) : Date.parse(time);
    if (!Number.isFinite(ms))
      throw new ExplorerInputError(`time must be epoch milliseconds or an ISO date, got "${time}"`);
    from = { time: ms };
  }
  return { topic, partition, from, limit };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

/** The explorer's read-only endpoints (topics, a topic's partitions, a page); false when `path` is not one of them. */
export function explorerApi(
  reader: MessageReader,
  logger: DashboardLogger,
): (path: string, params: URLSearchParams, res: ServerResponse) => boolean {
  const fail = (res: ServerResponse, err: unknown, what: Record<string, unknown>) => {
    if (err instanceof ExplorerInputError) return json(res, 400, { error: err.message });
    logger.warn({ ...what, err: (err as Error).message }, 'explorer read failed');
    json(res, 502, { error: (err as Error).message });
  };
  return (path, params, res) => {
    if (path === '/api/explorer/topics') {
      reader.topics().then(
        (topics) => json(res, 200, topics),
        (err) => fail(res, err, {}),
      );
      return true;
    }
    if (path === '/api/explorer/partitions') {
      const topic = params.get('topic')?.trim();
      if (!topic) fail(res, new ExplorerInputError('topic is required'), {});
      else
        reader.partitions(topic).then(
          (partitions) => json(res, 200, partitions),
          (err) => fail(res, err, { topic }),
        );
      return true;
    }
    if (path === '/api/explorer/messages') {
      let query: PageQuery;
      try {
        query = parsePageQuery(params);
      } catch (err) {
        fail(res, err, {});
        return true;
      }
      reader.page(query.topic, query.partition, query.from, query.limit).then(
        (page) => json(res, 200, page),
        (err) => fail(res, err, { topic: query.topic, partition: query.partition }),
      );
      return true;
    }
    return false;
  };
}
