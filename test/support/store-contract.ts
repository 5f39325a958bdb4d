/**
 * One behavioural contract for every RadarStore: the DynamoDB store (DynamoDB Local and dynalite) and
 * the in-memory fake run exactly these tests, so a fake that passes behaves like the real thing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORY_SOURCES_MAX } from '../../shared/domain/story.js';
import type { Alert, FeedState, StoredItem, StoredMatch } from '../../shared/domain/types.js';
import type { MatchQuery, RadarStore, StoryRecord, StorySource } from '../../shared/ports/index.js';

export interface StoreUnderTest {
  store: RadarStore;
  cleanup(): Promise<void>;
}

/** A stored match with sensible defaults; override what the test is about. */
export function sampleMatch(overrides: Partial<StoredMatch> = {}): StoredMatch {
  return {
    itemKey: 'item-1',
    measureId: 'eu-package-17',
    feedId: 'feed-a',
    title: 'EU adopts 17th sanctions package',
    link: 'https://example.org/news/1',
    published: '2025-05-20T10:00:00.000Z',
    score: 0.875,
    evidence: [{ field: 'title', start: 0, end: 10, text: 'EU adopts ' }],
    stage: 'adopted',
    severity: 'high',
    rulesVersion: 'rules-1',
    matchedAt: '2025-05-20T10:05:00.000Z',
    ...overrides,
  };
}

/** A stored item with sensible defaults. */
export function sampleItem(overrides: Partial<StoredItem> = {}): StoredItem {
  return {
    itemKey: 'item-1',
    storyKey: 'story-1',
    feedId: 'feed-a',
    guid: 'urn:guid:1',
    title: 'EU adopts 17th sanctions package',
    link: 'https://example.org/news/1',
    summary: 'Brussels — the Council adopted… «quoted» 🚢 text',
    published: '2025-05-20T10:00:00.000Z',
    author: null,
    categories: ['sanctions', 'eu'],
    contentHash: 'sha256:abc',
    fetchedAt: '2025-05-20T10:04:00.000Z',
    processedAt: null,
    measureIds: [],
    ...overrides,
  };
}

/** A pending alert with sensible defaults. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'story-1',
    itemKey: 'item-1',
    feedId: 'feed-a',
    title: 'EU adopts 17th sanctions package',
    link: 'https://example.org/news/1',
    summary: null,
    published: '2025-05-20T10:00:00.000Z',
    measures: ['eu-package-17'],
    severity: 'high',
    stage: 'adopted',
    evidence: [{ field: 'title', start: 0, end: 10, text: 'EU adopts ', measureId: 'eu-package-17' }],
    createdAt: '2025-05-20T10:06:00.000Z',
    status: 'pending',
    ...overrides,
  };
}

/** A feed state with sensible defaults. */
export function sampleFeedState(overrides: Partial<FeedState> = {}): FeedState {
  return {
    feedId: 'feed-a',
    url: 'https://example.org/feed.xml',
    etag: '"abc"',
    lastModified: 'Tue, 20 May 2025 10:00:00 GMT',
    lastPollAt: '2025-05-20T10:04:00.000Z',
    lastSuccessAt: '2025-05-20T10:04:00.000Z',
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextDueAt: '2025-05-20T10:09:00.000Z',
    itemsLastSeen: 42,
    lastNewItemAt: null,
    ...overrides,
  };
}

/** A story record with sensible defaults. */
export function sampleStory(overrides: Partial<StoryRecord> = {}): StoryRecord {
  return {
    storyKey: 's-1',
    createdBy: 'item-1',
    createdAt: '2025-05-20T10:05:00.000Z',
    signature: [0, 1, 4294967295, 123456789, 42],
    features: ['17th', 'adopt', 'eu', 'package', 'sanction'],
    titleNumbers: ['17'],
    titleNames: ['eu'],
    published: '2025-05-20T10:00:00.000Z',
    sources: [
      {
        feedId: 'feed-a',
        itemKey: 'item-1',
        link: 'https://example.org/news/1',
        title: 'EU adopts 17th «package»',
      },
    ],
    mergedInto: null,
    ...overrides,
  };
}

/** A story source with sensible defaults. */
export function sampleSource(overrides: Partial<StorySource> = {}): StorySource {
  return {
    feedId: 'feed-b',
    itemKey: 'item-2',
    link: null,
    title: 'EU adopts 17th sanctions package - Reuters',
    ...overrides,
  };
}

const id = (match: StoredMatch) => `${match.itemKey}/${match.measureId}`;

/** Newest first, ties broken by item key then measure id (the order every listing must use). */
function newestFirst(matches: StoredMatch[]): string[] {
  const key = (m: StoredMatch) => `${m.published}#${m.itemKey}#${m.measureId}`;
  // Plain code-unit order (not localeCompare), which equals DynamoDB's byte order for this ASCII data.
  return [...matches].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0)).map(id);
}

/** Follows cursors to the end and returns every page's ids. */
async function allPages(store: RadarStore, query: MatchQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.queryMatches({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    pages.push(page.matches.map(id));
    if (page.cursor === null) return pages;
    cursor = page.cursor;
  }
  throw new Error('cursor never ended');
}

/** Matches over three feeds, two measures and five months (two years), for the query tests. */
function corpus(): StoredMatch[] {
  const rows: StoredMatch[] = [];
  const times = [
    '2024-11-30T23:59:59.999Z',
    '2024-12-01T00:00:00.000Z',
    '2024-12-15T08:00:00.000Z',
    '2025-01-01T00:00:00.000Z',
    '2025-01-20T12:00:00.000Z',
    '2025-02-02T09:30:00.000Z',
    '2025-03-10T17:45:00.000Z',
  ];
  times.forEach((published, i) => {
    const feedId = ['feed-a', 'feed-b', 'feed-c'][i % 3] ?? 'feed-a';
    rows.push(sampleMatch({ itemKey: `item-${i}`, measureId: 'm-oil', feedId, published, score: i / 10 }));
    if (i % 2 === 0) {
      rows.push(
        sampleMatch({ itemKey: `item-${i}`, measureId: 'm-swift', feedId, published, score: 1 - i / 10 }),
      );
    }
  });
  return rows;
}

/** Registers the RadarStore contract; makeStore is called once per test and must give an empty store. */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`RadarStore contract: ${name}`, () => {
    let store: RadarStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await makeStore();
      store = made.store;
      cleanup = made.cleanup;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    describe('feed states', () => {
      it('returns null for a feed it has never seen', async () => {
        expect(await store.getFeedState('nope')).toBeNull();
      });

      it('round-trips a feed state exactly and overwrites it on the next put', async () => {
        const failing = sampleFeedState({
          lastErrorAt: '2025-05-20T11:00:00.000Z',
          lastError: { code: 'HTTP_503', message: 'upstream said "no"' },
          consecutiveFailures: 3,
          etag: null,
        });
        await store.putFeedState(sampleFeedState());
        await store.putFeedState(failing);
        expect(await store.getFeedState('feed-a')).toStrictEqual(failing);
      });

      it('lists every feed state, ordered by feed id', async () => {
        expect(await store.listFeedStates()).toStrictEqual([]);
        const states = ['feed-c', 'feed-a', 'feed-b'].map((feedId) => sampleFeedState({ feedId }));
        for (const state of states) await store.putFeedState(state);
        await store.putFeedState(sampleFeedState({ feedId: 'feed-b', itemsLastSeen: 7 }));
        const listed = await store.listFeedStates();
        expect(listed.map((state) => state.feedId)).toStrictEqual(['feed-a', 'feed-b', 'feed-c']);
        expect(listed[1]?.itemsLastSeen).toBe(7);
      });

      it('does not list items, matches or alerts as feed states', async () => {
        await store.putItem(sampleItem());
        await store.putMatches([sampleMatch()]);
        await store.createAlert(sampleAlert());
        expect(await store.listFeedStates()).toStrictEqual([]);
      });
    });

    describe('items', () => {
      it('returns null for an unknown item', async () => {
        expect(await store.getItem('nope')).toBeNull();
      });

      it('round-trips an item exactly, with nulls, arrays and non-ASCII text', async () => {
        const item = sampleItem({ categories: [], measureIds: ['m-oil', 'm-swift'], title: '' });
        await store.putItem(item);
        expect(await store.getItem('item-1')).toStrictEqual(item);
      });

      it('is an upsert: the same item twice gives the same state, a changed item replaces it', async () => {
        await store.putItem(sampleItem());
        await store.putItem(sampleItem());
        expect(await store.getItem('item-1')).toStrictEqual(sampleItem());
        const processed = sampleItem({ processedAt: '2025-05-20T10:07:00.000Z', measureIds: ['m-oil'] });
        await store.putItem(processed);
        expect(await store.getItem('item-1')).toStrictEqual(processed);
      });

      it('drops undefined values and keeps nulls', async () => {
        const item = { ...sampleItem(), extra: undefined } as StoredItem;
        await store.putItem(item);
        const stored = await store.getItem('item-1');
        expect(stored).not.toHaveProperty('extra');
        expect(stored?.author).toBeNull();
      });

      it('hands out copies: mutating a returned item does not change the store', async () => {
        await store.putItem(sampleItem());
        const first = await store.getItem('item-1');
        first?.categories.push('mutated');
        expect((await store.getItem('item-1'))?.categories).toStrictEqual(['sanctions', 'eu']);
      });
    });

    describe('matches', () => {
      it('returns the matches of one item only, ordered by measure id, exactly as written', async () => {
        const swift = sampleMatch({ measureId: 'm-swift', score: 0.1 + 0.2, evidence: [] });
        const oil = sampleMatch({
          measureId: 'm-oil',
          stage: null,
          title: null,
          evidence: [
            { field: 'summary', start: 3, end: 9, text: 'crude…' },
            { field: 'title', start: 0, end: 2, text: '🚢' },
          ],
        });
        await store.putMatches([swift, oil, sampleMatch({ itemKey: 'item-2' })]);
        expect(await store.getMatchesForItem('item-1')).toStrictEqual([oil, swift]);
        expect(await store.getMatchesForItem('unknown')).toStrictEqual([]);
      });

      it('stores a match once however often it is written; the last write wins everywhere', async () => {
        await store.putMatches([sampleMatch(), sampleMatch()]);
        const moved = sampleMatch({ published: '2025-06-01T00:00:00.000Z', score: 0.5 });
        await store.putMatches([moved]);
        expect(await store.getMatchesForItem('item-1')).toStrictEqual([moved]);
        for (const query of [
          { measureId: moved.measureId },
          { feedId: moved.feedId },
          { measureId: moved.measureId, feedId: moved.feedId },
          {},
        ]) {
          const page = await store.queryMatches({ ...query, limit: 10 });
          expect(page.matches, JSON.stringify(query)).toStrictEqual([moved]);
        }
      });

      it('accepts an empty batch and batches larger than one write request', async () => {
        await store.putMatches([]);
        const many = Array.from({ length: 60 }, (_, i) =>
          sampleMatch({
            itemKey: `item-${String(i).padStart(2, '0')}`,
            published: `2025-05-20T10:${String(i).padStart(2, '0')}:00.000Z`,
          }),
        );
        await store.putMatches(many);
        const page = await store.queryMatches({ measureId: 'eu-package-17', limit: 100 });
        expect(page.matches.map(id)).toStrictEqual(newestFirst(many));
        expect(page.cursor).toBeNull();
      });

      it('queries by measure, newest first', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const page = await store.queryMatches({ measureId: 'm-swift', limit: 50 });
        expect(page.matches.map(id)).toStrictEqual(
          newestFirst(rows.filter((m) => m.measureId === 'm-swift')),
        );
        expect(page.matches[0]).toStrictEqual(rows.find((m) => id(m) === page.matches.map(id)[0]));
        expect(page.cursor).toBeNull();
      });

      it('queries by feed, newest first', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const page = await store.queryMatches({ feedId: 'feed-b', limit: 50 });
        expect(page.matches.map(id)).toStrictEqual(newestFirst(rows.filter((m) => m.feedId === 'feed-b')));
      });

      it('queries by measure and feed together, paging correctly when most rows are filtered out', async () => {
        const rows = Array.from({ length: 14 }, (_, i) =>
          sampleMatch({
            itemKey: `item-${String(i).padStart(2, '0')}`,
            measureId: 'm-oil',
            feedId: i % 5 === 0 ? 'feed-rare' : 'feed-common',
            published: `2025-04-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
          }),
        );
        rows.push(sampleMatch({ itemKey: 'other', measureId: 'm-swift', feedId: 'feed-rare' }));
        await store.putMatches(rows);
        const expected = newestFirst(rows.filter((m) => m.measureId === 'm-oil' && m.feedId === 'feed-rare'));
        expect(expected).toHaveLength(3);
        const pages = await allPages(store, { measureId: 'm-oil', feedId: 'feed-rare', limit: 2 });
        expect(pages).toStrictEqual([expected.slice(0, 2), expected.slice(2)]);
      });

      it('queries all matches in a time range: since inclusive, until exclusive, across years', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const since = '2024-12-01T00:00:00.000Z';
        const until = '2025-02-02T09:30:00.000Z';
        const page = await store.queryMatches({ since, until, limit: 50 });
        const inRange = rows.filter((m) => m.published >= since && m.published < until);
        expect(page.matches.map(id)).toStrictEqual(newestFirst(inRange));
        expect(page.matches.map((m) => m.published)).toContain(since);
        expect(page.matches.map((m) => m.published)).not.toContain(until);
      });

      it('queries all matches with no bounds at all, newest first', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const page = await store.queryMatches({ limit: 100 });
        expect(page.matches.map(id)).toStrictEqual(newestFirst(rows));
        expect(page.cursor).toBeNull();
      });

      it('applies since and until to measure and feed queries too', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const since = '2025-01-01T00:00:00.000Z';
        const oil = await store.queryMatches({ measureId: 'm-oil', since, limit: 50 });
        expect(oil.matches.map(id)).toStrictEqual(
          newestFirst(rows.filter((m) => m.measureId === 'm-oil' && m.published >= since)),
        );
        const feedA = await store.queryMatches({ feedId: 'feed-a', until: since, limit: 50 });
        expect(feedA.matches.map(id)).toStrictEqual(
          newestFirst(rows.filter((m) => m.feedId === 'feed-a' && m.published < since)),
        );
      });

      it('pages with a cursor across pages and month buckets without gaps or repeats', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const expected = newestFirst(rows);
        const pages = await allPages(store, { limit: 3 });
        expect(pages.flat()).toStrictEqual(expected);
        expect(pages.every((page) => page.length === 3 || page === pages.at(-1))).toBe(true);
        expect(pages).toHaveLength(Math.ceil(expected.length / 3));
      });

      it('pages a bounded range with cursors, for every kind of query', async () => {
        const rows = corpus();
        await store.putMatches(rows);
        const since = '2024-12-01T00:00:00.000Z';
        const until = '2025-03-01T00:00:00.000Z';
        const inRange = rows.filter((m) => m.published >= since && m.published < until);
        const cases: Array<[Partial<MatchQuery>, StoredMatch[]]> = [
          [{}, inRange],
          [{ measureId: 'm-oil' }, inRange.filter((m) => m.measureId === 'm-oil')],
          [{ feedId: 'feed-a' }, inRange.filter((m) => m.feedId === 'feed-a')],
        ];
        for (const [query, expected] of cases) {
          const pages = await allPages(store, { ...query, since, until, limit: 2 });
          expect(pages.flat(), JSON.stringify(query)).toStrictEqual(newestFirst(expected));
        }
      });

      it('gives no cursor when the last page is exactly full', async () => {
        const rows = corpus().slice(0, 6);
        await store.putMatches(rows);
        const first = await store.queryMatches({ limit: 3 });
        expect(first.cursor).not.toBeNull();
        const second = await store.queryMatches({ limit: 3, cursor: first.cursor ?? '' });
        expect(second.matches).toHaveLength(3);
        expect(second.cursor).toBeNull();
      });

      it('pages through matches that share one published time', async () => {
        const rows = ['e', 'b', 'd', 'a', 'c'].map((key) => sampleMatch({ itemKey: `item-${key}` }));
        await store.putMatches(rows);
        const pages = await allPages(store, { limit: 2 });
        expect(pages).toStrictEqual([
          ['item-e/eu-package-17', 'item-d/eu-package-17'],
          ['item-c/eu-package-17', 'item-b/eu-package-17'],
          ['item-a/eu-package-17'],
        ]);
      });

      it('returns an empty page for an unknown measure, an unknown feed or an empty range', async () => {
        await store.putMatches(corpus());
        for (const query of [
          { measureId: 'unknown' },
          { feedId: 'unknown' },
          { since: '2025-02-01T00:00:00.000Z', until: '2025-02-01T00:00:00.000Z' },
          { since: '2025-03-01T00:00:00.000Z', until: '2025-01-01T00:00:00.000Z' },
          { since: '2030-01-01T00:00:00.000Z' },
          { until: '2000-01-01T00:00:00.000Z' },
        ]) {
          expect(await store.queryMatches({ ...query, limit: 5 }), JSON.stringify(query)).toStrictEqual({
            matches: [],
            cursor: null,
          });
        }
      });

      it('rejects a malformed cursor with INVALID_CURSOR', async () => {
        await store.putMatches(corpus());
        const bad = [
          'not a cursor',
          'bm90LWpzb24',
          Buffer.from('{"v":1}').toString('base64url'),
          Buffer.from('{"v":2,"p":"2025","i":"a","m":"b"}').toString('base64url'),
          Buffer.from('[1,2,3]').toString('base64url'),
          '',
        ];
        for (const cursor of bad) {
          await expect(store.queryMatches({ limit: 2, cursor }), cursor).rejects.toMatchObject({
            name: 'InvalidCursorError',
            code: 'INVALID_CURSOR',
          });
        }
      });

      it('rejects a limit that is not a positive integer with INVALID_QUERY', async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await expect(store.queryMatches({ limit })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
        }
      });
    });

    describe('alerts', () => {
      it('creates an alert once: the second create returns false and changes nothing', async () => {
        expect(await store.createAlert(sampleAlert())).toBe(true);
        expect(await store.createAlert(sampleAlert({ title: 'a later duplicate', severity: 'low' }))).toBe(
          false,
        );
        expect(await store.getAlert('story-1')).toStrictEqual(sampleAlert());
      });

      it('returns null for an unknown alert', async () => {
        expect(await store.getAlert('nope')).toBeNull();
      });

      it('lists pending alerts oldest first, up to the limit', async () => {
        const alerts = [
          sampleAlert({ id: 'story-b', createdAt: '2025-05-20T10:02:00.000Z' }),
          sampleAlert({ id: 'story-c', createdAt: '2025-05-20T10:01:00.000Z' }),
          sampleAlert({ id: 'story-a', createdAt: '2025-05-20T10:03:00.000Z' }),
          sampleAlert({ id: 'story-d', createdAt: '2025-05-20T10:00:00.000Z', status: 'published' }),
        ];
        for (const alert of alerts) await store.createAlert(alert);
        expect((await store.listPendingAlerts(10)).map((a) => a.id)).toStrictEqual([
          'story-c',
          'story-b',
          'story-a',
        ]);
        expect((await store.listPendingAlerts(2)).map((a) => a.id)).toStrictEqual(['story-c', 'story-b']);
        expect(await store.listPendingAlerts(0)).toStrictEqual([]);
        expect((await store.listPendingAlerts(10))[0]).toStrictEqual(alerts[1]);
      });

      it('markAlertPublished removes the alert from the pending list and keeps the rest of it', async () => {
        await store.createAlert(sampleAlert({ id: 'story-1' }));
        await store.createAlert(sampleAlert({ id: 'story-2', createdAt: '2025-05-20T10:07:00.000Z' }));
        await store.markAlertPublished('story-1', '2025-05-20T10:08:00.000Z');
        expect((await store.listPendingAlerts(10)).map((a) => a.id)).toStrictEqual(['story-2']);
        expect(await store.getAlert('story-1')).toStrictEqual(
          sampleAlert({ id: 'story-1', status: 'published' }),
        );
        await store.markAlertPublished('story-1', '2025-05-20T10:09:00.000Z');
        expect(await store.getAlert('story-1')).toStrictEqual(
          sampleAlert({ id: 'story-1', status: 'published' }),
        );
        expect(await store.createAlert(sampleAlert({ id: 'story-1' }))).toBe(false);
        expect((await store.listPendingAlerts(10)).map((a) => a.id)).toStrictEqual(['story-2']);
      });

      it('extendPendingAlert widens a pending alert only at the expected measure count', async () => {
        const base = sampleAlert({ id: 'story-1' });
        await store.createAlert(base);
        const wider = {
          ...base,
          measures: [...base.measures, 'frozen-assets'],
          evidence: [
            ...base.evidence,
            { measureId: 'frozen-assets', field: 'title' as const, start: 0, end: 6, text: 'frozen' },
          ],
          severity: 'critical' as const,
          stage: 'proposed' as const,
        };
        // A stale count (someone widened it meanwhile) is refused and changes nothing.
        expect(await store.extendPendingAlert(wider, base.measures.length + 1)).toBe(false);
        expect(await store.getAlert('story-1')).toStrictEqual(base);
        expect(await store.extendPendingAlert(wider, base.measures.length)).toBe(true);
        expect(await store.getAlert('story-1')).toStrictEqual(wider);
        expect((await store.listPendingAlerts(10)).map((a) => a.measures)).toStrictEqual([wider.measures]);
        // Once published it is never changed again.
        await store.markAlertPublished('story-1', '2025-05-20T10:08:00.000Z');
        const widest = { ...wider, measures: [...wider.measures, 'relief'] };
        expect(await store.extendPendingAlert(widest, wider.measures.length)).toBe(false);
        expect((await store.getAlert('story-1'))?.measures).toStrictEqual(wider.measures);
        expect(await store.extendPendingAlert(sampleAlert({ id: 'missing' }), 1)).toBe(false);
      });

      it('refuses to mark an unknown alert published, with ALERT_NOT_FOUND', async () => {
        await expect(store.markAlertPublished('nope', '2025-05-20T10:08:00.000Z')).rejects.toMatchObject({
          code: 'ALERT_NOT_FOUND',
        });
        expect(await store.getAlert('nope')).toBeNull();
      });
    });
    describe('stories', () => {
      it('returns null for an unknown story', async () => {
        expect(await store.getStory('nope')).toBeNull();
      });

      it('creates a story once and round-trips it exactly; a second create returns false and changes nothing', async () => {
        expect(await store.createStory(sampleStory())).toBe(true);
        expect(await store.createStory(sampleStory({ features: ['other'], sources: [] }))).toBe(false);
        expect(await store.getStory('s-1')).toStrictEqual(sampleStory());
      });

      it('appends sources in order, once per item key, and never to an unknown story', async () => {
        await store.createStory(sampleStory());
        await store.appendStorySource('s-1', sampleSource());
        await store.appendStorySource('s-1', sampleSource({ title: 'a retried append' }));
        await store.appendStorySource('s-1', sampleSource({ itemKey: 'item-1', title: 'the creator again' }));
        await store.appendStorySource('s-1', sampleSource({ itemKey: 'item-3', feedId: 'feed-c' }));
        expect((await store.getStory('s-1'))?.sources).toStrictEqual([
          sampleStory().sources[0],
          sampleSource(),
          sampleSource({ itemKey: 'item-3', feedId: 'feed-c' }),
        ]);
        await store.appendStorySource('unknown', sampleSource());
        expect(await store.getStory('unknown')).toBeNull();
      });

      it('starts the source list of a story created without sources on the first append', async () => {
        await store.createStory(sampleStory({ sources: [] }));
        await store.appendStorySource('s-1', sampleSource());
        await store.appendStorySource('s-1', sampleSource());
        expect((await store.getStory('s-1'))?.sources).toStrictEqual([sampleSource()]);
      });

      it(`stops listing sources at ${STORY_SOURCES_MAX}`, async () => {
        await store.createStory(sampleStory());
        for (let i = 0; i < STORY_SOURCES_MAX + 2; i++) {
          await store.appendStorySource('s-1', sampleSource({ itemKey: `item-x${i}` }));
        }
        const sources = (await store.getStory('s-1'))?.sources ?? [];
        expect(sources).toHaveLength(STORY_SOURCES_MAX);
        expect(sources.at(-1)?.itemKey).toBe(`item-x${STORY_SOURCES_MAX - 2}`);
      });

      it('records the first merge target only, and ignores unknown stories', async () => {
        await store.createStory(sampleStory());
        await store.markStoryMerged('s-1', 's-0');
        await store.markStoryMerged('s-1', 's-00');
        expect(await store.getStory('s-1')).toStrictEqual(sampleStory({ mergedInto: 's-0' }));
        await store.markStoryMerged('unknown', 's-0');
        expect(await store.getStory('unknown')).toBeNull();
      });
    });

    describe('story bands', () => {
      const a = { storyKey: 's-a', published: '2025-05-20T10:00:00.000Z' };
      const b = { storyKey: 's-b', published: '2025-05-21T10:00:00.000Z' };
      const weekBefore = '2025-05-14T10:00:00.000Z';

      it('returns only the bands somebody claimed', async () => {
        expect(await store.getStoryBands(['0#aa', '1#bb'])).toStrictEqual(new Map());
        await store.claimStoryBand('1#bb', a, weekBefore);
        expect(await store.getStoryBands(['0#aa', '1#bb'])).toStrictEqual(new Map([['1#bb', a]]));
      });

      it('gives a band to the first claimant; later claimants get the owner back; the owner may claim again', async () => {
        expect(await store.claimStoryBand('0#aa', a, weekBefore)).toStrictEqual(a);
        expect(await store.claimStoryBand('0#aa', b, weekBefore)).toStrictEqual(a);
        expect(await store.claimStoryBand('0#aa', a, weekBefore)).toStrictEqual(a);
        expect(await store.getStoryBands(['0#aa'])).toStrictEqual(new Map([['0#aa', a]]));
      });

      it('lets a band owned by a story older than the window be claimed again', async () => {
        await store.claimStoryBand('0#aa', a, weekBefore);
        const later = { storyKey: 's-c', published: '2025-06-01T00:00:00.000Z' };
        expect(await store.claimStoryBand('0#aa', later, '2025-05-25T00:00:00.000Z')).toStrictEqual(later);
        expect(await store.getStoryBands(['0#aa'])).toStrictEqual(new Map([['0#aa', later]]));
      });

      it('has exactly one winner when claims race, and every claimant learns the same owner', async () => {
        const claimants = Array.from({ length: 6 }, (_, i) => ({
          storyKey: `s-${i}`,
          published: a.published,
        }));
        const results = await Promise.all(
          claimants.map((owner) => store.claimStoryBand('3#race', owner, weekBefore)),
        );
        const winner = results[0];
        expect(results.every((r) => r.storyKey === winner?.storyKey)).toBe(true);
        expect(claimants.map((c) => c.storyKey)).toContain(winner?.storyKey);
        expect((await store.getStoryBands(['3#race'])).get('3#race')).toStrictEqual(winner);
      });
    });

    describe('item links', () => {
      it('maps a feed and link hash to the item key, per feed, and overwrites on the next put', async () => {
        expect(await store.getItemKeyByLink('feed-a', 'abc')).toBeNull();
        await store.putItemLink('feed-a', 'abc', 'g:1');
        await store.putItemLink('feed-b', 'abc', 'g:2');
        expect(await store.getItemKeyByLink('feed-a', 'abc')).toBe('g:1');
        expect(await store.getItemKeyByLink('feed-b', 'abc')).toBe('g:2');
        await store.putItemLink('feed-a', 'abc', 'l:1');
        expect(await store.getItemKeyByLink('feed-a', 'abc')).toBe('l:1');
      });

      it('keeps stories, bands and links out of feed states, items and alerts', async () => {
        await store.createStory(sampleStory({ storyKey: 'item-1' }));
        await store.claimStoryBand(
          '0#aa',
          { storyKey: 'item-1', published: '2025-05-20T10:00:00.000Z' },
          '2025-05-13T00:00:00.000Z',
        );
        await store.putItemLink('feed-a', 'item-1', 'item-1');
        expect(await store.listFeedStates()).toStrictEqual([]);
        expect(await store.getItem('item-1')).toBeNull();
        expect(await store.getAlert('item-1')).toBeNull();
        expect(await store.listPendingAlerts(10)).toStrictEqual([]);
      });
    });
  });
}
