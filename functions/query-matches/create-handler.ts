/** query-matches: the analysts' read-only HTTP API (API Gateway v2, IAM auth). Errors mapped in one place. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { feedHealth } from '../../shared/domain/feed-health.js';
import type { FeedConfig } from '../../shared/domain/types.js';
import type { Clock, FeedStateStore, ItemStore, MatchStore } from '../../shared/ports/index.js';
import { QueryValidationError, queryMatches } from '../../shared/use-cases/query-matches.js';
import { parseEvent } from '../lib/parse-event.js';

const requestSchema = z.object({
  routeKey: z.string(),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  pathParameters: z.record(z.string(), z.string()).optional(),
});

const MATCH_PARAMETERS = ['measure', 'feed', 'since', 'until', 'limit', 'cursor'] as const;
const ITEM_KEY = /^[A-Za-z0-9][A-Za-z0-9:_-]{0,199}$/;

class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  override readonly name = 'NotFoundError';
}

export interface QueryHandlerDeps {
  store: MatchStore & Pick<ItemStore, 'getItem'> & Pick<FeedStateStore, 'listFeedStates'>;
  feeds: readonly FeedConfig[];
  clock: Clock;
  logger: Logger;
}

type Result = APIGatewayProxyStructuredResultV2;

function json(statusCode: number, body: unknown): Result {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function rejectUnknown(params: Record<string, string>, allowed: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!allowed.includes(name)) {
      throw new QueryValidationError(name, `unknown parameter (expected ${allowed.join(', ') || 'none'})`);
    }
  }
}

/** The one place errors become HTTP: bad input → 400, missing → 404, anything else → 500 (generic body). */
function toResponse(err: unknown, logger: Logger): Result {
  if (err instanceof QueryValidationError) {
    return json(400, { error: { code: err.code, parameter: err.parameter, message: err.message } });
  }
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  if (code === 'INVALID_CURSOR' || code === 'INVALID_QUERY') {
    const message = `cursor: ${(err as Error).message}`;
    return json(400, { error: { code: 'BAD_QUERY', parameter: 'cursor', message } });
  }
  if (err instanceof NotFoundError) return json(404, { error: { code: err.code, message: err.message } });
  logger.error('query failed', err as Error);
  return json(500, { error: { code: 'INTERNAL', message: 'internal error' } });
}

/** Builds the Lambda handler for GET /matches, GET /matches/{itemKey} and GET /feeds. */
export function createQueryHandler(
  deps: QueryHandlerDeps,
): (event: APIGatewayProxyEventV2, context?: Context) => Promise<Result> {
  const routes: Record<
    string,
    (params: Record<string, string>, path: Record<string, string>) => Promise<unknown>
  > = {
    'GET /matches': async (params) => {
      rejectUnknown(params, MATCH_PARAMETERS);
      return queryMatches({ matches: deps.store }, params);
    },
    'GET /matches/{itemKey}': async (params, path) => {
      rejectUnknown(params, []);
      const itemKey = path.itemKey ?? '';
      if (!ITEM_KEY.test(itemKey))
        throw new QueryValidationError('itemKey', `not an item key: "${itemKey.slice(0, 80)}"`);
      const item = await deps.store.getItem(itemKey);
      if (!item) throw new NotFoundError(`no item ${itemKey}`);
      return { item, matches: await deps.store.getMatchesForItem(itemKey) };
    },
    'GET /feeds': async (params) => {
      rejectUnknown(params, []);
      const states = new Map((await deps.store.listFeedStates()).map((s) => [s.feedId, s]));
      const now = deps.clock.now();
      return {
        feeds: deps.feeds.map((feed) => {
          const state = states.get(feed.id) ?? null;
          return { id: feed.id, name: feed.name, url: feed.url, health: feedHealth(state, now), state };
        }),
      };
    },
  };

  return async (event, context) => {
    if (context) deps.logger.addContext(context);
    try {
      const request = parseEvent(requestSchema, event, 'http request');
      const route = routes[request.routeKey];
      if (!route) throw new NotFoundError(`no route ${request.routeKey}`);
      return json(200, await route(request.queryStringParameters ?? {}, request.pathParameters ?? {}));
    } catch (err) {
      return toResponse(err, deps.logger);
    }
  };
}
