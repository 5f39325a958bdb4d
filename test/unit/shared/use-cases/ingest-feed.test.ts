import { beforeEach, describe, expect, it } from 'vitest';
import { compileMeasures } from '../../../../shared/domain/classifier/index.js';
import { itemKeyFor } from '../../../../shared/domain/feed/index.js';
import type { FeedConfig, Measure, ParsedItem } from '../../../../shared/domain/types.js';
import { ingestFeed } from '../../../../shared/use-cases/ingest-feed.js';
import { publishPendingAlerts } from '../../../../shared/use-cases/publish-alerts.js';
import { runCycle } from '../../../../shared/use-cases/run-cycle.js';
import { CrashError, crashingStore } from '../../../support/crashing-store.js';
import { FakeFetcher, ManualClock, RecordingPublisher, rss } from '../../../support/fakes.js';
import { InMemoryStore } from '../../../support/in-memory-store.js';

const measures: Measure[] = [
  {
    id: 'ru-banks',
    name: 'Russian banks',
    severity: 'high',
    query: 'sanction* (sberbank OR vtb OR "russian banks")',
    requires: null,
    excludes: null,
    jurisdictions: [],
    notes: null,
  },
  {
    id: 'frozen-assets',
    name: 'Frozen assets',
    severity: 'critical',
    query: '(frozen OR immobilised OR immobilized) assets',
    requires: null,
    excludes: null,
    jurisdictions: [],
    notes: null,
  },
];
const classifier = compileMeasures(measures);
const feedA: FeedConfig = { id: 'wire-a', url: 'https://a.example/rss', name: null, tags: [] };
const feedB: FeedConfig = { id: 'wire-b', url: 'https://b.example/rss', name: null, tags: [] };
const BANKS = {
  guid: 'a-1',
  title: 'US sanctions Sberbank and VTB in new Russia package',
  link: 'https://a.example/1',
};
/** The parsed form of a test item (for computing its key). */
function parseItem(i: { guid: string; title: string; link: string }): ParsedItem {
  return {
    guid: i.guid,
    title: i.title,
    link: i.link,
    summary: null,
    published: null,
    author: null,
    categories: [],
  };
}
const OTHER = { guid: 'a-2', title: 'Oil prices climb as OPEC+ weighs cuts', link: 'https://a.example/2' };

describe('ingestFeed', () => {
  let store: InMemoryStore;
  let fetcher: FakeFetcher;
  let clock: ManualClock;
  let deps: Parameters<typeof ingestFeed>[0];

  beforeEach(() => {
    store = new InMemoryStore();
    fetcher = new FakeFetcher();
    clock = new ManualClock();
    deps = { fetcher, store, classifier, clock, pollIntervalMs: 300_000 };
  });

  it('stores the item, its match with evidence, and one pending alert for a new matching item', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS, OTHER]) });
    const r = await ingestFeed(deps, feedA);
    expect(r).toMatchObject({
      status: 'ok',
      itemsInFeed: 2,
      newItems: 2,
      matches: 1,
      alertsCreated: 1,
      error: null,
    });
    const pending = await store.listPendingAlerts(10);
    expect(pending).toHaveLength(1);
    const alert = pending[0];
    expect(alert?.measures).toEqual(['ru-banks']);
    expect(alert?.severity).toBe('high');
    expect(alert?.evidence.some((e) => e.text.toLowerCase().includes('sberbank'))).toBe(true);
    const matches = await store.getMatchesForItem(alert?.itemKey ?? '');
    expect(matches.map((m) => m.measureId)).toEqual(['ru-banks']);
    expect(matches[0]?.rulesVersion).toBe(classifier.rulesVersion);
    expect(await store.getItem(alert?.itemKey ?? '')).toMatchObject({
      title: BANKS.title,
      processedAt: expect.any(String),
    });
  });

  it('adds nothing when the same feed is polled again', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS, OTHER]) });
    await ingestFeed(deps, feedA);
    clock.advance(600_000);
    const again = await ingestFeed(deps, feedA);
    expect(again).toMatchObject({ status: 'ok', newItems: 0, matches: 0, alertsCreated: 0 });
    expect(await store.listPendingAlerts(10)).toHaveLength(1);
  });

  it('sends the stored ETag and treats 304 as success without touching items', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS]), etag: '"v1"' });
    await ingestFeed(deps, feedA);
    clock.advance(600_000);
    const r = await ingestFeed(deps, feedA);
    expect(r.status).toBe('not-modified');
    expect(fetcher.requests[1]?.validators.etag).toBe('"v1"');
    expect((await store.getFeedState(feedA.id))?.consecutiveFailures).toBe(0);
  });

  it('records a failing feed with its error code and backs off, without throwing', async () => {
    fetcher.set(feedA.url, {
      error: Object.assign(new Error('https://a.example/rss: timed out'), { code: 'TIMEOUT' }),
    });
    const r = await ingestFeed(deps, feedA);
    expect(r.status).toBe('error');
    expect(r.error).toEqual({ code: 'TIMEOUT', message: 'https://a.example/rss: timed out' });
    const state = await store.getFeedState(feedA.id);
    expect(state?.consecutiveFailures).toBe(1);
    expect(state?.lastError?.code).toBe('TIMEOUT');
    expect(Date.parse(state?.nextDueAt ?? '')).toBeGreaterThan(clock.now().getTime());
    // Not due yet: a non-forced poll skips it.
    expect((await ingestFeed(deps, feedA)).status).toBe('not-due');
  });

  it('records a feed that is not a feed as a parse error naming the problem', async () => {
    fetcher.set(feedA.url, { body: '<html><body>Service unavailable</body></html>' });
    const r = await ingestFeed(deps, feedA);
    expect(r.status).toBe('error');
    expect(r.error?.code).not.toBe('INTERNAL');
  });

  it('re-classifies an updated item and sends a follow-up alert only for a newly matched measure', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS]) });
    await ingestFeed(deps, feedA);
    const publisher = new RecordingPublisher();
    await publishPendingAlerts({ alerts: store, publisher, clock });
    // Same guid, new wording that matches the same measure only: no new alert.
    fetcher.set(feedA.url, { body: rss([{ ...BANKS, title: `${BANKS.title} (updated)` }]) });
    const r1 = await ingestFeed(deps, feedA, { force: true });
    expect(r1).toMatchObject({ updatedItems: 1, alertsCreated: 0 });
    // Now it also reports frozen assets: one follow-up alert naming only that measure.
    fetcher.set(feedA.url, {
      body: rss([{ ...BANKS, description: 'Leaders also discussed the frozen assets of the central bank.' }]),
    });
    const r2 = await ingestFeed(deps, feedA, { force: true });
    expect(r2).toMatchObject({ updatedItems: 1, alertsCreated: 1 });
    expect((await store.listPendingAlerts(10)).map((a) => a.measures)).toEqual([['frozen-assets']]);
  });

  it('widens the still-pending story alert when a later copy matches more measures', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS]) });
    fetcher.set(feedB.url, {
      body: rss([
        {
          ...BANKS,
          guid: 'b-1',
          link: 'https://b.example/1',
          description: 'The frozen assets of the central bank were also discussed.',
        },
      ]),
    });
    await ingestFeed(deps, feedA);
    const r = await ingestFeed(deps, feedB);
    expect(r).toMatchObject({ newItems: 1, alertsCreated: 0 });
    const pending = await store.listPendingAlerts(10);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.measures).toEqual(['ru-banks', 'frozen-assets']);
    expect(pending[0]?.severity).toBe('critical');
    expect(pending[0]?.evidence.filter((e) => e.measureId === 'frozen-assets').map((e) => e.field)).toContain(
      'summary',
    );
  });

  it('assigns a story only once an item matches a measure', async () => {
    fetcher.set(feedA.url, { body: rss([OTHER]) });
    await ingestFeed(deps, feedA);
    const key = itemKeyFor(parseItem(OTHER), feedA.id);
    expect((await store.getItem(key))?.storyKey).toBe('');
    // An update that makes it match gets a story, and the story lists this item as a source.
    fetcher.set(feedA.url, {
      body: rss([{ ...OTHER, description: 'The EU also debated the frozen assets of the central bank.' }]),
    });
    const r = await ingestFeed(deps, feedA, { force: true });
    expect(r).toMatchObject({ updatedItems: 1, alertsCreated: 1 });
    const storyKey = (await store.getItem(key))?.storyKey ?? '';
    expect(storyKey).not.toBe('');
    expect((await store.getStory(storyKey))?.sources.map((x) => x.itemKey)).toEqual([key]);
  });

  it('makes one alert for one story carried by two feeds', async () => {
    fetcher.set(feedA.url, { body: rss([BANKS]) });
    fetcher.set(feedB.url, { body: rss([{ ...BANKS, guid: 'b-77', link: 'https://b.example/story/77' }]) });
    const publisher = new RecordingPublisher();
    const cycle = await runCycle({ ...deps, publisher }, [feedA, feedB]);
    expect(cycle.feeds.map((f) => f.matches)).toEqual([1, 1]);
    expect(publisher.delivered).toHaveLength(1);
  });
});

describe('runCycle', () => {
  it('names each failing feed and still ingests and publishes the others', async () => {
    const store = new InMemoryStore();
    const fetcher = new FakeFetcher();
    fetcher.set(feedA.url, {
      error: Object.assign(new Error('getaddrinfo ENOTFOUND a.example'), { code: 'DNS' }),
    });
    fetcher.set(feedB.url, { body: rss([BANKS]) });
    const publisher = new RecordingPublisher();
    const seen: string[] = [];
    const cycle = await runCycle(
      {
        fetcher,
        store,
        classifier,
        clock: new ManualClock(),
        pollIntervalMs: 300_000,
        publisher,
        onFeedResult: (r) => seen.push(r.feedId),
      },
      [feedA, feedB],
    );
    expect(cycle.feeds[0]).toMatchObject({ feedId: 'wire-a', status: 'error', error: { code: 'DNS' } });
    expect(cycle.feeds[1]).toMatchObject({ feedId: 'wire-b', status: 'ok', alertsCreated: 1 });
    expect(seen.sort()).toEqual(['wire-a', 'wire-b']);
    expect(publisher.delivered.map((a) => a.feedId)).toEqual(['wire-b']);
  });

  it('keeps an alert pending when publishing fails and delivers it on the next cycle', async () => {
    const store = new InMemoryStore();
    const fetcher = new FakeFetcher();
    fetcher.set(feedA.url, { body: rss([BANKS]) });
    const publisher = new RecordingPublisher();
    publisher.failing = true;
    const clock = new ManualClock();
    const first = await runCycle({ fetcher, store, classifier, clock, pollIntervalMs: 1, publisher }, [
      feedA,
    ]);
    expect(first.publish.failed).toEqual([
      { alertId: expect.any(String), error: { code: 'PUBLISH', message: 'publisher down' } },
    ]);
    expect(await store.listPendingAlerts(10)).toHaveLength(1);
    publisher.failing = false;
    const retry = await publishPendingAlerts({ alerts: store, publisher, clock });
    expect(retry.published.map((a) => a.id)).toEqual([first.publish.failed[0]?.alertId]);
    expect(await store.listPendingAlerts(10)).toEqual([]);
    expect(publisher.delivered).toHaveLength(1);
  });
});

describe('crash safety', () => {
  it('gives exactly one alert per story after a crash at any write followed by a re-run', async () => {
    const items = [BANKS, OTHER, { guid: 'a-3', title: 'G7 leaders discuss frozen assets of Russia' }];
    // Count the writes of one clean cycle, then crash at each of them in turn.
    const probe = crashingStore(new InMemoryStore(), Number.POSITIVE_INFINITY);
    const fetcher = new FakeFetcher();
    fetcher.set(feedA.url, { body: rss(items), etag: '"e1"' });
    const probePublisher = new RecordingPublisher();
    await runCycle(
      {
        fetcher,
        store: probe.store,
        classifier,
        clock: new ManualClock(),
        pollIntervalMs: 1,
        publisher: probePublisher,
      },
      [feedA],
    );
    const totalWrites = probe.writes();
    expect(probePublisher.delivered).toHaveLength(2);
    expect(totalWrites).toBeGreaterThan(8);

    for (let crashAt = 1; crashAt <= totalWrites; crashAt++) {
      const inner = new InMemoryStore();
      const publisher = new RecordingPublisher();
      const clock = new ManualClock();
      const crashing = crashingStore(inner, crashAt);
      await runCycle({ fetcher, store: crashing.store, classifier, clock, pollIntervalMs: 1, publisher }, [
        feedA,
      ]).catch((e) => {
        if (!(e instanceof CrashError)) throw e;
      });
      clock.advance(1000);
      await runCycle({ fetcher, store: inner, classifier, clock, pollIntervalMs: 1, publisher }, [feedA]);
      clock.advance(1000);
      await runCycle({ fetcher, store: inner, classifier, clock, pollIntervalMs: 1, publisher }, [feedA]);
      const ids = publisher.delivered.map((a) => a.id).sort();
      expect(ids, `crash at write ${crashAt}`).toEqual(probePublisher.delivered.map((a) => a.id).sort());
      expect(await inner.listPendingAlerts(10), `crash at write ${crashAt}`).toEqual([]);
    }
  });
});
