import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import { createQueryHandler } from '../../../../functions/query-matches/create-handler.js';
import type { StoredMatch } from '../../../../shared/domain/types.js';
import { ManualClock } from '../../../support/fakes.js';
import { InMemoryStore } from '../../../support/in-memory-store.js';
import { httpRequest } from '../../../support/lambda-events.js';

const logger = new Logger({ logLevel: 'SILENT' });
const feeds = [{ id: 'ofsi', url: 'https://example.org/ofsi.atom', name: 'OFSI', tags: [] }];

function match(i: number): StoredMatch {
  return {
    itemKey: `g:${String(i).padStart(4, '0')}`,
    measureId: 'ru-banks',
    feedId: 'ofsi',
    title: `Item ${i}`,
    link: null,
    published: `2026-11-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`,
    score: 1,
    evidence: [],
    stage: null,
    severity: 'high',
    rulesVersion: 'v1',
    matchedAt: '2026-11-29T10:00:00.000Z',
  };
}

let store: InMemoryStore;
let handler: ReturnType<typeof createQueryHandler>;
beforeEach(async () => {
  store = new InMemoryStore();
  await store.putMatches([1, 2, 3].map(match));
  handler = createQueryHandler({ store, feeds, clock: new ManualClock(), logger });
});

const body = (r: { body?: string }) => JSON.parse(r.body ?? 'null');

describe('query-matches handler (in-memory store)', () => {
  it('pages newest first with an opaque cursor', async () => {
    const first = await handler(httpRequest('GET /matches', { query: { measure: 'ru-banks', limit: '2' } }));
    expect(first.statusCode).toBe(200);
    expect(body(first).matches.map((m: StoredMatch) => m.title)).toEqual(['Item 3', 'Item 2']);
    const next = await handler(
      httpRequest('GET /matches', { query: { measure: 'ru-banks', limit: '2', cursor: body(first).cursor } }),
    );
    expect(body(next)).toMatchObject({ matches: [{ title: 'Item 1' }], cursor: null });
  });

  it.each([
    [{ limit: 'lots' }, 'limit'],
    [{ since: 'yesterday' }, 'since'],
    [{ measure: 'Not An Id' }, 'measure'],
    [{ measures: 'ru-banks' }, 'measures'],
    [{ cursor: 'eyJub3QiOiJhIGN1cnNvciJ9' }, 'cursor'],
  ])('rejects %j with 400 naming %s', async (query, parameter) => {
    const r = await handler(httpRequest('GET /matches', { query }));
    expect(r.statusCode).toBe(400);
    expect(body(r).error).toMatchObject({ code: 'BAD_QUERY', parameter });
    expect(body(r).error.message).toMatch(new RegExp(`^${parameter}: `));
  });

  it('returns an item with its matches, 404 for an unknown item, 400 for a malformed key', async () => {
    await store.putItem({
      itemKey: 'g:0001',
      storyKey: 'g:0001',
      feedId: 'ofsi',
      guid: null,
      title: 'Item 1',
      link: null,
      summary: null,
      published: null,
      author: null,
      categories: [],
      contentHash: 'h',
      fetchedAt: '2026-11-29T10:00:00.000Z',
      processedAt: '2026-11-29T10:00:00.000Z',
      measureIds: ['ru-banks'],
    });
    const found = await handler(
      httpRequest('GET /matches/{itemKey}', {
        path: '/matches/g:0001',
        pathParameters: { itemKey: 'g:0001' },
      }),
    );
    expect(body(found)).toMatchObject({ item: { itemKey: 'g:0001' }, matches: [{ measureId: 'ru-banks' }] });
    const missing = await handler(
      httpRequest('GET /matches/{itemKey}', { pathParameters: { itemKey: 'g:9999' } }),
    );
    expect(missing.statusCode).toBe(404);
    const bad = await handler(
      httpRequest('GET /matches/{itemKey}', { pathParameters: { itemKey: '../etc' } }),
    );
    expect(body(bad).error.parameter).toBe('itemKey');
  });

  it('lists configured feeds with their health', async () => {
    const r = await handler(httpRequest('GET /feeds'));
    expect(body(r)).toEqual({
      feeds: [
        {
          id: 'ofsi',
          name: 'OFSI',
          url: 'https://example.org/ofsi.atom',
          health: 'never-polled',
          state: null,
        },
      ],
    });
  });

  it('answers 404 for an unknown route and a generic 500 that leaks nothing', async () => {
    expect((await handler(httpRequest('POST /matches'))).statusCode).toBe(404);
    const broken = createQueryHandler({
      store: Object.assign(new InMemoryStore(), {
        queryMatches: async () =>
          Promise.reject(new Error('ProvisionedThroughputExceeded: table radar-secret')),
      }),
      feeds,
      clock: new ManualClock(),
      logger,
    });
    const r = await broken(httpRequest('GET /matches'));
    expect(r.statusCode).toBe(500);
    expect(r.body).toBe('{"error":{"code":"INTERNAL","message":"internal error"}}');
  });
});
