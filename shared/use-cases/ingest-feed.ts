/**
 * ingestFeed: fetch → parse → identify → skip seen → story → classify → store item, matches, alert →
 * feed state.
 *
 * Crash safety without transactions: writes go in an order where a re-run after a crash at any step
 * converges to the same stored state. An item is "seen" only once `processedAt` is set, which is the
 * last write for that item; matches are upserts; the alert is a conditional create keyed by story; feed
 * validators are written last, so a crash before that re-fetches the whole feed.
 *
 * Story assignment (assign-story.ts) runs before the item's first write, only for a matching item that
 * has no story key yet; once stored, an item's story key never changes.
 */
import { buildAlert, maxSeverity } from '../domain/alert.js';
import { nextPollDelayMs } from '../domain/backoff.js';
import type { Classifier } from '../domain/classifier/index.js';
import { describeError, type ErrorInfo } from '../domain/errors.js';
import { canonicalLink, contentHash, itemKeyFor, parseFeed, unstableGuidsIn } from '../domain/feed/index.js';
import { NEW_ITEM_ARRIVALS_KEPT, typicalIntervalMs } from '../domain/feed-health.js';
import { linkHash } from '../domain/story.js';
import type {
  Alert,
  FeedConfig,
  FeedState,
  MeasureMatch,
  ParsedItem,
  StoredItem,
  StoredMatch,
} from '../domain/types.js';
import type {
  AlertStore,
  Clock,
  FeedFetcher,
  FeedStateStore,
  ItemLinkStore,
  ItemStore,
  MatchStore,
  StoryStore,
} from '../ports/index.js';
import { assignStory } from './assign-story.js';

export interface IngestDeps {
  fetcher: FeedFetcher;
  store: FeedStateStore & ItemStore & MatchStore & AlertStore & StoryStore & ItemLinkStore;
  classifier: Classifier;
  clock: Clock;
  /** Normal interval between polls of a healthy feed. */
  pollIntervalMs: number;
  /** Longest wait after repeated failures. @default 6 hours */
  maxBackoffMs?: number;
}

export interface IngestResult {
  feedId: string;
  status: 'ok' | 'not-modified' | 'error' | 'not-due';
  itemsInFeed: number;
  newItems: number;
  updatedItems: number;
  matches: number;
  alertsCreated: number;
  error: ErrorInfo | null;
}

/** A new empty state for a feed never polled before. */
export function initialFeedState(feed: FeedConfig): FeedState {
  return {
    feedId: feed.id,
    url: feed.url,
    etag: null,
    lastModified: null,
    lastPollAt: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextDueAt: null,
    itemsLastSeen: 0,
    lastNewItemAt: null,
  };
}

/** Polls one feed and stores what is new. Never throws for a bad feed: the error is recorded and returned. */
export async function ingestFeed(
  deps: IngestDeps,
  feed: FeedConfig,
  options: { force?: boolean } = {},
): Promise<IngestResult> {
  const now = deps.clock.now();
  const previous = await deps.store.getFeedState(feed.id);
  // A changed URL invalidates the stored validators.
  const state =
    previous && previous.url === feed.url
      ? previous
      : { ...initialFeedState(feed), ...carryHealth(previous) };
  const result: IngestResult = {
    feedId: feed.id,
    status: 'ok',
    itemsInFeed: 0,
    newItems: 0,
    updatedItems: 0,
    matches: 0,
    alertsCreated: 0,
    error: null,
  };
  if (!options.force && state.nextDueAt && state.nextDueAt > now.toISOString()) {
    return { ...result, status: 'not-due' };
  }

  let fetched: Awaited<ReturnType<FeedFetcher['fetch']>>;
  let items: ParsedItem[];
  try {
    fetched = await deps.fetcher.fetch(feed, { etag: state.etag, lastModified: state.lastModified });
    if (fetched.status === 'not-modified') {
      await deps.store.putFeedState(
        succeeded(deps, state, now, { newItems: 0, itemsInFeed: state.itemsLastSeen }),
      );
      return { ...result, status: 'not-modified', itemsInFeed: state.itemsLastSeen };
    }
    const parsed = await parseFeed(fetched.body, { contentType: fetched.contentType, baseUrl: fetched.url });
    items = parsed.items;
  } catch (err) {
    return recordFailure(deps, state, now, err, result);
  }

  // Store errors are not the feed's fault, but the feed state still records them so health shows them.
  try {
    const identity = feedIdentity(items, state);
    for (const parsed of items) {
      const outcome = await ingestItem(deps, feed, parsed, identity, now);
      if (outcome.kind === 'new') result.newItems++;
      if (outcome.kind === 'updated') result.updatedItems++;
      result.matches += outcome.matches;
      result.alertsCreated += outcome.alertsCreated;
    }
    result.itemsInFeed = items.length;
    const done = succeeded(deps, state, now, { newItems: result.newItems, itemsInFeed: items.length });
    await deps.store.putFeedState({
      ...done,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      typicalIntervalMs: typicalIntervalMs({
        published: items.map((item) => item.published),
        arrivals: done.newItemArrivals ?? [],
        previous: state.typicalIntervalMs ?? null,
      }),
      ...(identity.guidsUnstable ? { guidsUnstable: true } : {}),
    });
    return result;
  } catch (err) {
    return recordFailure(deps, state, now, err, result);
  }
}

function carryHealth(previous: FeedState | null): Partial<FeedState> {
  if (!previous) return {};
  const { etag: _e, lastModified: _l, url: _u, ...rest } = previous;
  return rest;
}

function succeeded(
  deps: IngestDeps,
  state: FeedState,
  now: Date,
  seen: { newItems: number; itemsInFeed: number },
): FeedState {
  return {
    ...state,
    lastPollAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    consecutiveFailures: 0,
    nextDueAt: new Date(now.getTime() + deps.pollIntervalMs).toISOString(),
    itemsLastSeen: seen.itemsInFeed,
    lastNewItemAt: seen.newItems > 0 ? now.toISOString() : state.lastNewItemAt,
    newItemArrivals:
      seen.newItems > 0
        ? [...(state.newItemArrivals ?? []), now.toISOString()].slice(-NEW_ITEM_ARRIVALS_KEPT)
        : (state.newItemArrivals ?? []),
  };
}

async function recordFailure(
  deps: IngestDeps,
  state: FeedState,
  now: Date,
  err: unknown,
  result: IngestResult,
): Promise<IngestResult> {
  const error = describeError(err);
  const failures = state.consecutiveFailures + 1;
  const retryAfterMs = (err as { retryAfterMs?: unknown }).retryAfterMs;
  const delay = nextPollDelayMs({
    consecutiveFailures: failures,
    baseIntervalMs: deps.pollIntervalMs,
    maxBackoffMs: deps.maxBackoffMs ?? 6 * 3600_000,
    retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
  });
  try {
    await deps.store.putFeedState({
      ...state,
      lastPollAt: now.toISOString(),
      lastErrorAt: now.toISOString(),
      lastError: error,
      consecutiveFailures: failures,
      nextDueAt: new Date(now.getTime() + delay).toISOString(),
    });
  } catch {
    // The store itself is failing; the returned error already names the feed's problem.
  }
  return { ...result, status: 'error', error };
}

type ItemOutcome = { kind: 'seen' | 'new' | 'updated'; matches: number; alertsCreated: number };

/** What one fetch says about how this feed's items can be identified. */
interface FeedIdentity {
  /** Known-unstable GUIDs: repeated in this fetch, or seen changing before (sticky, may flip during the run). */
  guidsUnstable: boolean;
  /** GUIDs present in this fetch: a stored item whose GUID is still here is not a renamed one. */
  guids: ReadonlySet<string>;
  /** Canonical links shared by several items of this fetch: useless for identity. */
  repeatedLinks: ReadonlySet<string>;
}

function feedIdentity(items: ParsedItem[], state: FeedState): FeedIdentity {
  const guids = new Set<string>();
  for (const item of items) if (item.guid !== null) guids.add(item.guid);
  const seenLinks = new Set<string>();
  const repeatedLinks = new Set<string>();
  for (const item of items) {
    const link = canonicalLink(item.link);
    if (link === null) continue;
    if (seenLinks.has(link)) repeatedLinks.add(link);
    seenLinks.add(link);
  }
  return { guidsUnstable: state.guidsUnstable === true || unstableGuidsIn(items), guids, repeatedLinks };
}

/**
 * Finds the item's key and its stored predecessor. A new key whose canonical link maps to a stored
 * item of the same feed is the same article under a new identity: either its GUID changed (which
 * flags the feed's GUIDs as unstable, so from now on it is keyed by link) or the feed was switched
 * to link keys since. The predecessor's story and measures carry over, so nothing is re-alerted.
 */
async function identify(
  deps: IngestDeps,
  feed: FeedConfig,
  parsed: ParsedItem,
  identity: FeedIdentity,
): Promise<{
  itemKey: string;
  existing: StoredItem | null;
  predecessor: StoredItem | null;
  linkKey: string | null;
}> {
  let itemKey = itemKeyFor(parsed, feed.id, identity.guidsUnstable);
  let existing = await deps.store.getItem(itemKey);
  const link = canonicalLink(parsed.link);
  const linkKey = link !== null && !identity.repeatedLinks.has(link) ? linkHash(link) : null;
  if (existing || linkKey === null) return { itemKey, existing, predecessor: null, linkKey };
  const previousKey = await deps.store.getItemKeyByLink(feed.id, linkKey);
  if (previousKey === null || previousKey === itemKey)
    return { itemKey, existing, predecessor: null, linkKey };
  const previous = await deps.store.getItem(previousKey);
  // A previous item whose GUID is still in the feed is another article sharing the link (a live blog).
  const renamed =
    previous !== null &&
    previous.feedId === feed.id &&
    (previous.guid === null || previous.guid === parsed.guid || !identity.guids.has(previous.guid));
  if (!renamed) return { itemKey, existing, predecessor: null, linkKey };
  if (
    !identity.guidsUnstable &&
    previous.guid !== null &&
    parsed.guid !== null &&
    previous.guid !== parsed.guid
  ) {
    (identity as { guidsUnstable: boolean }).guidsUnstable = true;
    itemKey = itemKeyFor(parsed, feed.id, true);
    existing = await deps.store.getItem(itemKey);
  }
  return { itemKey, existing, predecessor: existing ? null : previous, linkKey };
}

async function ingestItem(
  deps: IngestDeps,
  feed: FeedConfig,
  parsed: ParsedItem,
  identity: FeedIdentity,
  now: Date,
): Promise<ItemOutcome> {
  const { itemKey, existing, predecessor, linkKey } = await identify(deps, feed, parsed, identity);
  const hash = contentHash(parsed);
  if (existing?.processedAt && existing.contentHash === hash)
    return { kind: 'seen', matches: 0, alertsCreated: 0 };

  // The stored state this item continues from: itself (updated or half-written), or its predecessor.
  const before = existing ?? predecessor;
  const kind = before?.processedAt ? (before.contentHash === hash ? 'seen' : 'updated') : 'new';
  const previousMeasures = new Set(before?.processedAt ? before.measureIds : []);
  const matches = deps.classifier.classify({ title: parsed.title, summary: parsed.summary });
  // Story identity only matters for alerts: an item that matches no measure gets none (saving the ~25
  // band and story requests of assignStory); it is assigned one if an update ever makes it match.
  const storyKey =
    before?.storyKey ||
    (matches.length > 0 ? await assignStory(deps.store, { itemKey, feedId: feed.id, ...parsed }, now) : '');
  const item: StoredItem = {
    itemKey,
    storyKey,
    feedId: feed.id,
    ...parsed,
    contentHash: hash,
    fetchedAt: before?.fetchedAt ?? now.toISOString(),
    processedAt: null,
    measureIds: matches.map((m) => m.measureId),
  };
  // 1. item text first: no match is ever stored without it.
  await deps.store.putItem(item);
  // 1b. the link lookup, so a later fetch that renames the GUID finds this item.
  if (linkKey !== null && !existing?.processedAt) await deps.store.putItemLink(feed.id, linkKey, itemKey);
  // 2. matches (upserts).
  if (matches.length > 0) await deps.store.putMatches(matches.map((m) => toStoredMatch(deps, item, m, now)));
  // 3. one alert per story, only for measures this item had not matched before.
  const fresh = matches.filter((m) => !previousMeasures.has(m.measureId));
  const alertsCreated = fresh.length > 0 ? await alertStory(deps, item, fresh, now) : 0;
  // 4. commit marker: the item is seen from now on.
  await deps.store.putItem({ ...item, processedAt: now.toISOString() });
  return { kind, matches: kind === 'seen' ? 0 : matches.length, alertsCreated };
}

/**
 * One alert per story. The first copy creates it; a later copy (another outlet, an update) that matches
 * more measures widens it while it is still pending, so one cycle yields one alert naming everything;
 * once it is published, only the measures it did not name go out, as one follow-up alert.
 * Every step is conditional and keyed deterministically, so retries and re-runs converge.
 */
async function alertStory(
  deps: IngestDeps,
  item: StoredItem,
  fresh: MeasureMatch[],
  now: Date,
): Promise<number> {
  const build = (id: string, ms: MeasureMatch[]) =>
    buildAlert({ id, item, matches: ms, measures: deps.classifier.measures, createdAt: now.toISOString() });
  if (await deps.store.createAlert(build(item.storyKey, fresh))) return 1;
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.store.getAlert(item.storyKey);
    if (!existing) return (await deps.store.createAlert(build(item.storyKey, fresh))) ? 1 : 0;
    const missing = fresh.filter((m) => !existing.measures.includes(m.measureId));
    if (missing.length === 0) return 0;
    if (existing.status === 'published') {
      const id = `${item.storyKey}~${missing
        .map((m) => m.measureId)
        .sort()
        .join('+')}`;
      return (await deps.store.createAlert(build(id, missing))) ? 1 : 0;
    }
    const extra = build(item.storyKey, missing);
    const measures = [...existing.measures, ...extra.measures];
    const widened: Alert = {
      ...existing,
      measures,
      evidence: [...existing.evidence, ...extra.evidence],
      severity: maxSeverity(measures, deps.classifier.measures),
      stage: existing.stage ?? extra.stage,
    };
    if (await deps.store.extendPendingAlert(widened, existing.measures.length)) return 0;
    // Published or widened by a concurrent poller meanwhile: read again and decide again.
  }
  throw Object.assign(new Error(`alert ${item.storyKey}: too much contention widening the story alert`), {
    code: 'ALERT_CONTENTION',
  });
}

function toStoredMatch(deps: IngestDeps, item: StoredItem, m: MeasureMatch, now: Date): StoredMatch {
  const measure = deps.classifier.measures.find((x) => x.id === m.measureId);
  return {
    itemKey: item.itemKey,
    measureId: m.measureId,
    feedId: item.feedId,
    title: item.title,
    link: item.link,
    published: item.published ?? item.fetchedAt,
    score: m.score,
    evidence: m.evidence,
    stage: m.stage,
    severity: measure?.severity ?? 'low',
    rulesVersion: deps.classifier.rulesVersion,
    matchedAt: now.toISOString(),
  };
}
