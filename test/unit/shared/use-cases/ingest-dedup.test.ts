import { describe, expect, it } from 'vitest';
import { compileMeasures } from '../../../../shared/domain/classifier/index.js';
import { itemKeyFor } from '../../../../shared/domain/feed/index.js';
import { newStoryKey, titleStoryKey } from '../../../../shared/domain/story.js';
import type { FeedConfig, Measure, ParsedItem } from '../../../../shared/domain/types.js';
import type { RadarStore } from '../../../../shared/ports/index.js';
import { assignStory, type StoryCandidateItem } from '../../../../shared/use-cases/assign-story.js';
import { ingestFeed } from '../../../../shared/use-cases/ingest-feed.js';
import { runCycle } from '../../../../shared/use-cases/run-cycle.js';
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
    id: 'eu-package',
    name: 'EU sanctions package',
    severity: 'high',
    query: 'package NEAR/4 sanction*',
    requires: null,
    excludes: null,
    jurisdictions: [],
    notes: null,
  },
];
const classifier = compileMeasures(measures);
const feed = (id: string): FeedConfig => ({ id, url: `https://${id}.example/rss`, name: null, tags: [] });
const [wireA, wireB, wireC] = [feed('wire-a'), feed('wire-b'), feed('wire-c')];

const PKG19 = {
  title: 'EU adopts 19th sanctions package against Russia',
  description:
    'The European Union on Thursday adopted its 19th package of sanctions against Russia, targeting liquefied natural gas imports, shadow fleet tankers and banks in third countries.',
};
const PKG19_REUTERS = {
  title: 'EU adopts 19th sanctions package against Russia - Reuters',
  description:
    'BRUSSELS (Reuters) - The European Union adopted its 19th package of sanctions against Russia on Thursday, banning imports of Russian liquefied natural gas and listing more shadow fleet tankers.',
};
const PKG20 = {
  title: 'EU adopts 20th sanctions package against Russia',
  description:
    'The European Union on Thursday adopted its 20th package of sanctions against Russia, targeting liquefied natural gas imports, shadow fleet tankers and banks in third countries.',
};
const SBER = {
  title: 'US sanctions Sberbank',
  description:
    'The Treasury Department imposed full blocking sanctions on Sberbank, Russia’s largest lender.',
};
const VTB = {
  title: 'US sanctions VTB',
  description:
    'The Treasury Department imposed full blocking sanctions on VTB, Russia’s second-largest lender.',
};

function setup() {
  const store = new InMemoryStore();
  const fetcher = new FakeFetcher();
  const clock = new ManualClock(new Date('2025-09-08T20:00:00Z'));
  const publisher = new RecordingPublisher();
  const deps = { fetcher, store, classifier, clock, pollIntervalMs: 1, publisher };
  return { store, fetcher, clock, publisher, deps };
}

describe('one story from several feeds', () => {
  it('alerts once for a syndicated copy and lists both sources on the stored story', async () => {
    const { store, fetcher, publisher, deps } = setup();
    fetcher.set(wireA.url, { body: rss([{ guid: 'a-1', link: 'https://a.example/19', ...PKG19 }]) });
    fetcher.set(wireB.url, { body: rss([{ guid: 'b-9', link: 'https://b.example/x', ...PKG19_REUTERS }]) });
    const cycle = await runCycle(deps, [wireA, wireB]);
    expect(cycle.feeds.map((f) => f.matches)).toStrictEqual([1, 1]);
    expect(publisher.delivered).toHaveLength(1);
    const storyKey = publisher.delivered[0]?.id ?? '';
    const story = await store.getStory(storyKey);
    expect(story?.sources.map((s) => s.feedId).sort()).toStrictEqual(['wire-a', 'wire-b']);
    expect(story?.sources.map((s) => s.link).sort()).toStrictEqual([
      'https://a.example/19',
      'https://b.example/x',
    ]);
  });

  it('attaches a copy that arrives in a later cycle to the same story, without a new alert', async () => {
    const { store, fetcher, clock, publisher, deps } = setup();
    fetcher.set(wireA.url, { body: rss([{ guid: 'a-1', link: 'https://a.example/19', ...PKG19 }]) });
    await runCycle(deps, [wireA]);
    clock.advance(3 * 3600_000);
    fetcher.set(wireC.url, { body: rss([{ guid: 'c-1', link: 'https://c.example/19', ...PKG19_REUTERS }]) });
    const later = await runCycle(deps, [wireA, wireC]);
    expect(later.feeds[1]).toMatchObject({ newItems: 1, matches: 1, alertsCreated: 0 });
    expect(publisher.delivered).toHaveLength(1);
    expect((await store.getStory(publisher.delivered[0]?.id ?? ''))?.sources).toHaveLength(2);
  });

  it.each([
    ['two different EU packages', PKG19, PKG20],
    ['the same template about different banks', SBER, VTB],
  ])('alerts twice for %s', async (_name, first, second) => {
    const { fetcher, publisher, deps } = setup();
    fetcher.set(wireA.url, { body: rss([{ guid: 'a-1', link: 'https://a.example/1', ...first }]) });
    fetcher.set(wireB.url, { body: rss([{ guid: 'b-1', link: 'https://b.example/1', ...second }]) });
    await runCycle(deps, [wireA, wireB]);
    expect(publisher.delivered).toHaveLength(2);
    expect(new Set(publisher.delivered.map((a) => a.id)).size).toBe(2);
  });

  it('starts a new story for the same text published more than 7 days later', async () => {
    const { fetcher, clock, publisher, deps } = setup();
    fetcher.set(wireA.url, { body: rss([{ guid: 'a-1', link: 'https://a.example/1', ...PKG19 }]) });
    await runCycle(deps, [wireA]);
    clock.advance(9 * 86400_000);
    fetcher.set(wireB.url, {
      body: rss([
        {
          guid: 'b-1',
          link: 'https://b.example/1',
          ...PKG19_REUTERS,
          pubDate: 'Wed, 17 Sep 2025 19:30:00 GMT',
        },
      ]),
    });
    await runCycle(deps, [wireB]);
    expect(publisher.delivered).toHaveLength(2);
  });
});

/** A store whose chosen calls wait for a gate, to force one interleaving of two racing pollers. */
function gatedStore(
  inner: RadarStore,
  gate: (method: string, args: unknown[]) => Promise<void> | undefined,
): RadarStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await gate(String(prop), args);
        return value.apply(target, args);
      };
    },
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const NOW = new Date('2025-09-08T20:00:00Z');
const candidate = (
  itemKey: string,
  feedId: string,
  text: { title: string; description: string },
): StoryCandidateItem => ({
  itemKey,
  feedId,
  title: text.title,
  summary: text.description,
  link: `https://${feedId}.example/${itemKey}`,
  published: '2025-09-08T19:30:00.000Z',
});

// A title under five words has no title key, so each copy starts a story keyed by its item: a real race.
const RACE_TEXT = { title: 'EU adopts sanctions package', description: PKG19.description };

/** Two item keys whose new-story keys sort in the wanted order. */
function keysOrdered(): { low: string; high: string } {
  const a = 'g:item-a';
  const b = 'g:item-b';
  return newStoryKey(a) < newStoryKey(b) ? { low: a, high: b } : { low: b, high: a };
}

describe('racing pollers', () => {
  /**
   * Both items read empty bands and create their stories before either claims; then `winnerOf(band)`
   * decides which item's claim of each band runs first.
   */
  async function race(
    winnerOf: (band: number, items: { low: string; high: string }) => string,
    options: { bothReadBeforeMerge?: boolean } = {},
  ) {
    const items = keysOrdered();
    const inner = new InMemoryStore();
    const created = { count: 0, both: deferred() };
    const rivalReads = { keys: new Set<string>(), both: deferred() };
    const claimed = new Map<string, ReturnType<typeof deferred>>();
    const store = gatedStore(inner, (method, args) => {
      if (options.bothReadBeforeMerge && method === 'getStory' && created.count === 2) {
        rivalReads.keys.add(String(args[0]));
        // Released a macrotask later, so both reads (microtasks in memory) have completed by then.
        if (rivalReads.keys.size === 2) setTimeout(rivalReads.both.resolve, 0);
      }
      // Both pollers have read the rival story before either records a merge: the worst interleaving.
      if (options.bothReadBeforeMerge && method === 'markStoryMerged') return rivalReads.both.promise;
      if (method === 'createStory') {
        created.count++;
        if (created.count === 2) created.both.resolve();
        return created.both.promise;
      }
      if (method !== 'claimStoryBand') return undefined;
      const band = String(args[0]);
      const storyKey = (args[1] as { storyKey: string }).storyKey;
      const winner = winnerOf(Number(band.split('#')[0]), items);
      let done = claimed.get(band);
      if (!done) {
        done = deferred();
        claimed.set(band, done);
      }
      if (storyKey === newStoryKey(winner)) {
        // Let the winner's claim land, then release the loser's claim of the same band.
        const release = done.resolve;
        queueMicrotask(() => setTimeout(release, 0));
        return undefined;
      }
      return done.promise;
    });
    const [low, high] = await Promise.all([
      // The same copy on both wires, so both want every band.
      assignStory(store, candidate(items.low, 'wire-a', RACE_TEXT), NOW),
      assignStory(store, candidate(items.high, 'wire-b', RACE_TEXT), NOW),
    ]);
    return { low, high, items, inner };
  }

  it('ends in one story when the lower key wins every band', async () => {
    const { low, high, items, inner } = await race((_band, k) => k.low);
    expect(low).toBe(newStoryKey(items.low));
    expect(high).toBe(low);
    expect((await inner.getStory(newStoryKey(items.high)))?.mergedInto).toBe(low);
    expect((await inner.getStory(low))?.sources.map((s) => s.itemKey).sort()).toStrictEqual(
      [items.low, items.high].sort(),
    );
  });

  it('ends in one story when the higher key wins every band (the lower one cannot be seen, so it yields)', async () => {
    const { low, high, items } = await race((_band, k) => k.high);
    expect(high).toBe(newStoryKey(items.high));
    expect(low).toBe(high);
  });

  it('ends in one story, the lower key, when each wins some bands', async () => {
    const { low, high, items } = await race((band, k) => (band % 2 === 0 ? k.low : k.high), {
      bothReadBeforeMerge: true,
    });
    expect(low).toBe(newStoryKey(items.low));
    expect(high).toBe(low);
  });

  it('gives copies with one title the same story key, whichever arrives first', async () => {
    const first = new InMemoryStore();
    const second = new InMemoryStore();
    const a = candidate('g:a', 'wire-a', PKG19);
    const b = candidate('g:b', 'wire-b', { ...PKG19, title: `${PKG19.title} - Reuters` });
    const inOrder = [await assignStory(first, a, NOW), await assignStory(first, b, NOW)];
    const reversed = [await assignStory(second, b, NOW), await assignStory(second, a, NOW)];
    expect(new Set([...inOrder, ...reversed])).toStrictEqual(new Set([titleStoryKey(PKG19.title)]));
    const racing = await Promise.all([
      assignStory(new InMemoryStore(), a, NOW),
      assignStory(new InMemoryStore(), b, NOW),
    ]);
    expect(racing).toStrictEqual(inOrder);
    expect((await first.getStory(inOrder[0] ?? ''))?.sources.map((s) => s.itemKey)).toStrictEqual([
      'g:a',
      'g:b',
    ]);
  });

  it('starts a new story for a recurring headline more than 7 days after the first', async () => {
    const store = new InMemoryStore();
    const first = await assignStory(store, candidate('g:w1', 'wire-a', PKG19), NOW);
    const later = { ...candidate('g:w2', 'wire-a', PKG19), published: '2025-09-20T19:30:00.000Z' };
    const second = await assignStory(store, later, new Date('2025-09-20T20:00:00Z'));
    expect(first).toBe(titleStoryKey(PKG19.title));
    expect(second).toBe(newStoryKey('g:w2'));
  });

  it('keeps two racing stories apart when they are different stories', async () => {
    const store = new InMemoryStore();
    const [a, b] = await Promise.all([
      assignStory(store, candidate('g:a', 'wire-a', PKG19), NOW),
      assignStory(store, candidate('g:b', 'wire-b', PKG20), NOW),
    ]);
    expect(a).not.toBe(b);
  });

  it('gives one alert when eight feeds carry the same story in one concurrent cycle', async () => {
    const { fetcher, publisher, store, deps } = setup();
    const feeds = Array.from({ length: 8 }, (_, i) => feed(`wire-${i}`));
    feeds.forEach((f, i) => {
      const text = i % 2 === 0 ? PKG19 : PKG19_REUTERS;
      fetcher.set(f.url, { body: rss([{ guid: `${f.id}-1`, link: `https://${f.id}.example/1`, ...text }]) });
    });
    await runCycle(deps, feeds, { concurrency: 8 });
    expect(publisher.delivered).toHaveLength(1);
    expect((await store.getStory(publisher.delivered[0]?.id ?? ''))?.sources).toHaveLength(8);
  });
});

const WRITE_METHODS = new Set([
  'putItem',
  'putMatches',
  'createAlert',
  'markAlertPublished',
  'putFeedState',
  'createStory',
  'claimStoryBand',
  'appendStorySource',
  'markStoryMerged',
  'putItemLink',
]);

/** Like test/support/crashing-store.ts, but also counts the story, band and link writes. */
function crashingAtAnyWrite(inner: RadarStore, crashAt: number): { store: RadarStore; writes: () => number } {
  let writes = 0;
  const store = gatedStore(inner, async (method) => {
    if (!WRITE_METHODS.has(method)) return;
    writes++;
    if (writes >= crashAt)
      throw Object.assign(new Error(`crash at write ${writes} (${method})`), { code: 'CRASH' });
  });
  return { store, writes: () => writes };
}

describe('crash safety with one story on two feeds', () => {
  it('delivers one alert per story after a crash at any write, story writes included, then re-runs', async () => {
    const fetcher = new FakeFetcher();
    fetcher.set(wireA.url, {
      body: rss([
        { guid: 'a-1', link: 'https://a.example/19', ...PKG19 },
        { guid: 'a-2', link: 'https://a.example/vtb', ...VTB },
      ]),
      etag: '"a"',
    });
    fetcher.set(wireB.url, {
      body: rss([
        { guid: 'b-1', link: 'https://b.example/19', ...PKG19_REUTERS },
        { guid: 'b-2', link: 'https://b.example/sber', ...SBER },
      ]),
      etag: '"b"',
    });
    const run = (store: RadarStore, clock: ManualClock, publisher: RecordingPublisher) =>
      runCycle({ fetcher, store, classifier, clock, pollIntervalMs: 1, publisher }, [wireA, wireB]);

    const probe = crashingAtAnyWrite(new InMemoryStore(), Number.POSITIVE_INFINITY);
    const clean = new RecordingPublisher();
    await run(probe.store, new ManualClock(), clean);
    expect(clean.delivered).toHaveLength(3);
    const expected = clean.delivered.map((a) => a.measures.join('+')).sort();
    const total = probe.writes();
    expect(total).toBeGreaterThan(40);

    for (let crashAt = 1; crashAt <= total; crashAt++) {
      const inner = new InMemoryStore();
      const publisher = new RecordingPublisher();
      const clock = new ManualClock();
      await run(crashingAtAnyWrite(inner, crashAt).store, clock, publisher).catch(() => {});
      clock.advance(1000);
      await run(inner, clock, publisher);
      clock.advance(1000);
      await run(inner, clock, publisher);
      expect(
        publisher.delivered.map((a) => a.measures.join('+')).sort(),
        `crash at write ${crashAt}`,
      ).toStrictEqual(expected);
      expect(await inner.listPendingAlerts(10), `crash at write ${crashAt}`).toStrictEqual([]);
    }
  });
});

describe('GUIDs that change between fetches', () => {
  const parsed = (guid: string, link: string, text: { title: string; description: string }): ParsedItem => ({
    guid,
    link,
    title: text.title,
    summary: text.description,
    published: '2025-09-08T19:30:00.000Z',
    author: null,
    categories: [],
  });

  it('notices a renamed GUID with the same link, switches the feed to link keys, and alerts nothing again', async () => {
    const { store, fetcher, clock, publisher, deps } = setup();
    const items = (suffix: string) => [
      { guid: `urn:a:${suffix}:1`, link: 'https://a.example/19?utm_source=rss', ...PKG19 },
      { guid: `urn:a:${suffix}:2`, link: 'https://a.example/sber', ...SBER },
    ];
    fetcher.set(wireA.url, { body: rss(items('v1')) });
    const first = await runCycle(deps, [wireA]);
    expect(first.feeds[0]).toMatchObject({ newItems: 2, alertsCreated: 2 });
    expect((await store.getFeedState(wireA.id))?.guidsUnstable).toBeUndefined();

    clock.advance(600_000);
    fetcher.set(wireA.url, { body: rss(items('v2')) });
    const second = await runCycle(deps, [wireA]);
    expect(second.feeds[0]).toMatchObject({
      status: 'ok',
      newItems: 0,
      updatedItems: 0,
      matches: 0,
      alertsCreated: 0,
    });
    expect((await store.getFeedState(wireA.id))?.guidsUnstable).toBe(true);
    const linkKey = itemKeyFor(parsed('urn:a:v2:1', 'https://a.example/19', PKG19), wireA.id, true);
    const oldKey = itemKeyFor(parsed('urn:a:v1:1', 'https://a.example/19', PKG19), wireA.id);
    const moved = await store.getItem(linkKey);
    expect(moved).toMatchObject({ processedAt: expect.any(String), guid: 'urn:a:v2:1' });
    expect(moved?.storyKey).toBe((await store.getItem(oldKey))?.storyKey);

    clock.advance(600_000);
    fetcher.set(wireA.url, {
      body: rss([...items('v3'), { guid: 'urn:a:v3:3', link: 'https://a.example/vtb', ...VTB }]),
    });
    const third = await runCycle(deps, [wireA]);
    expect(third.feeds[0]).toMatchObject({ newItems: 1, alertsCreated: 1 });
    expect(publisher.delivered.map((a) => a.title).sort()).toStrictEqual(
      [PKG19.title, SBER.title, VTB.title].sort(),
    );
  });

  it('lets the story dedup stop a re-alert when items move to link keys without a link record', async () => {
    const { store, fetcher, clock, publisher, deps } = setup();
    // Items stored before link records existed: nothing maps their links to their GUID keys.
    const forgetful = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'putItemLink') return async () => {};
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    fetcher.set(wireA.url, { body: rss([{ guid: 'g-1', link: 'https://a.example/19', ...PKG19 }]) });
    await runCycle({ ...deps, store: forgetful }, [wireA]);
    const state = await store.getFeedState(wireA.id);
    await store.putFeedState({ ...(state ?? ({} as never)), guidsUnstable: true });
    clock.advance(600_000);
    fetcher.set(wireA.url, { body: rss([{ guid: 'g-1-renamed', link: 'https://a.example/19', ...PKG19 }]) });
    const after = await runCycle(deps, [wireA]);
    // A new item under its link key, matched again, but its story already has its alert.
    expect(after.feeds[0]).toMatchObject({ newItems: 1, matches: 1, alertsCreated: 0 });
    expect(publisher.delivered).toHaveLength(1);
  });

  it('does not flag a feed whose items share a link while keeping their GUIDs', async () => {
    const { store, fetcher, clock, deps } = setup();
    fetcher.set(wireA.url, { body: rss([{ guid: 'live-1', link: 'https://a.example/live', ...PKG19 }]) });
    await ingestFeed(deps, wireA);
    clock.advance(600_000);
    // A live blog: a new entry with its own GUID on the same page, the old one still listed.
    fetcher.set(wireA.url, {
      body: rss([
        { guid: 'live-2', link: 'https://a.example/live', ...SBER },
        { guid: 'live-1', link: 'https://a.example/live', ...PKG19 },
      ]),
    });
    const r = await ingestFeed(deps, wireA, { force: true });
    expect(r).toMatchObject({ newItems: 1, alertsCreated: 1 });
    expect((await store.getFeedState(wireA.id))?.guidsUnstable).toBeUndefined();
  });

  it('treats GUIDs repeated within one fetch as known-unstable from then on', async () => {
    const { store, fetcher, deps } = setup();
    fetcher.set(wireA.url, {
      body: rss([
        { guid: 'same', link: 'https://a.example/1', ...PKG19 },
        { guid: 'same', link: 'https://a.example/2', ...SBER },
      ]),
    });
    const r = await ingestFeed(deps, wireA);
    expect(r).toMatchObject({ newItems: 2 });
    expect((await store.getFeedState(wireA.id))?.guidsUnstable).toBe(true);
  });
});

describe('feed health from ingest', () => {
  it('stores the median gap between published times as the typical interval', async () => {
    const { store, fetcher, deps } = setup();
    const times = ['08:00', '09:00', '11:00', '12:00'].map((t) => `Mon, 08 Sep 2025 ${t}:00 GMT`);
    fetcher.set(wireA.url, {
      body: rss(
        times.map((pubDate, i) => ({
          guid: `t-${i}`,
          title: `Item number ${i} about nothing much`,
          pubDate,
        })),
      ),
    });
    await ingestFeed(deps, wireA);
    expect((await store.getFeedState(wireA.id))?.typicalIntervalMs).toBe(3600_000);
  });
});

describe('store calls per item', () => {
  /** Counts every store call made while ingesting one fetch. */
  async function countCalls(
    prepare: (fetcher: FakeFetcher) => void,
    seed?: (deps: ReturnType<typeof setup>['deps']) => Promise<void>,
  ) {
    const { fetcher, deps } = setup();
    if (seed) await seed(deps);
    prepare(fetcher);
    const calls = new Map<string, number>();
    const counting = gatedStore(deps.store, (method) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return undefined;
    });
    await ingestFeed({ ...deps, store: counting }, wireB, { force: true });
    return [...calls.values()].reduce((a, b) => a + b, 0);
  }

  it('costs at most 35 store calls for a new story and 25 for a copy of a known one', async () => {
    const newStory = await countCalls((f) =>
      f.set(wireB.url, { body: rss([{ guid: 'b-1', link: 'https://b.example/1', ...PKG19 }]) }),
    );
    const copy = await countCalls(
      (f) =>
        f.set(wireB.url, { body: rss([{ guid: 'b-1', link: 'https://b.example/1', ...PKG19_REUTERS }]) }),
      async (deps) => {
        deps.fetcher.set(wireA.url, { body: rss([{ guid: 'a-1', link: 'https://a.example/1', ...PKG19 }]) });
        await ingestFeed(deps, wireA);
      },
    );
    // Feed state get + put are 2 of these; the rest is the item.
    expect(newStory).toBeLessThanOrEqual(35);
    expect(copy).toBeLessThanOrEqual(25);
    expect(copy).toBeLessThan(newStory);
  });
});
