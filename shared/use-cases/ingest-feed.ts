/**
 * ingestFeed: fetch → parse → identify → skip seen → classify → store item, matches, alert → feed state.
 *
 * Crash safety without transactions: writes go in an order where a re-run after a crash at any step
 * converges to the same stored state. An item is "seen" only once `processedAt` is set, which is the
 * last write for that item; matches are upserts; the alert is a conditional create keyed by story; feed
 * validators are written last, so a crash before that re-fetches the whole feed.
 */
import { buildAlert } from '../domain/alert.js';
import { nextPollDelayMs } from '../domain/backoff.js';
import type { Classifier } from '../domain/classifier/index.js';
import { describeError, type ErrorInfo } from '../domain/errors.js';
import { contentHash, itemKeyFor, parseFeed, unstableGuidsIn } from '../domain/feed/index.js';
import { storyKeyFor } from '../domain/story.js';
import type { FeedConfig, FeedState, MeasureMatch, ParsedItem, StoredItem, StoredMatch } from '../domain/types.js';
import type { AlertStore, Clock, FeedFetcher, FeedStateStore, ItemStore, MatchStore } from '../ports/index.js';

export interface IngestDeps {
  fetcher: FeedFetcher;
  store: FeedStateStore & ItemStore & MatchStore & AlertStore;
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
  const state = previous && previous.url === feed.url ? previous : { ...initialFeedState(feed), ...carryHealth(previous) };
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
      await deps.store.putFeedState(succeeded(deps, state, now, { newItems: 0, itemsInFeed: state.itemsLastSeen }));
      return { ...result, status: 'not-modified', itemsInFeed: state.itemsLastSeen };
    }
    const parsed = await parseFeed(fetched.body, { contentType: fetched.contentType, baseUrl: fetched.url });
    items = parsed.items;
  } catch (err) {
    return recordFailure(deps, state, now, err, result);
  }

  // Store errors are not the feed's fault, but the feed state still records them so health shows them.
  try {
    const unstable = unstableGuidsIn(items);
    for (const parsed of items) {
      const outcome = await ingestItem(deps, feed, parsed, unstable, now);
      if (outcome.kind === 'new') result.newItems++;
      if (outcome.kind === 'updated') result.updatedItems++;
      result.matches += outcome.matches;
      result.alertsCreated += outcome.alertsCreated;
    }
    result.itemsInFeed = items.length;
    await deps.store.putFeedState({
      ...succeeded(deps, state, now, { newItems: result.newItems, itemsInFeed: items.length }),
      etag: fetched.etag,
      lastModified: fetched.lastModified,
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

async function ingestItem(
  deps: IngestDeps,
  feed: FeedConfig,
  parsed: ParsedItem,
  unstableGuids: boolean,
  now: Date,
): Promise<ItemOutcome> {
  const itemKey = itemKeyFor(parsed, feed.id, unstableGuids);
  const hash = contentHash(parsed);
  const existing = await deps.store.getItem(itemKey);
  if (existing?.processedAt && existing.contentHash === hash) return { kind: 'seen', matches: 0, alertsCreated: 0 };

  const kind = existing?.processedAt ? 'updated' : 'new';
  const previousMeasures = new Set(existing?.processedAt ? existing.measureIds : []);
  const matches = deps.classifier.classify({ title: parsed.title, summary: parsed.summary });
  const item: StoredItem = {
    itemKey,
    storyKey: existing?.storyKey ?? storyKeyFor(parsed, itemKey),
    feedId: feed.id,
    ...parsed,
    contentHash: hash,
    fetchedAt: existing?.fetchedAt ?? now.toISOString(),
    processedAt: null,
    measureIds: matches.map((m) => m.measureId),
  };
  // 1. item text first: no match is ever stored without it.
  await deps.store.putItem(item);
  // 2. matches (upserts).
  if (matches.length > 0) await deps.store.putMatches(matches.map((m) => toStoredMatch(deps, item, m, now)));
  // 3. one alert per story, only for measures this item had not matched before.
  let alertsCreated = 0;
  const fresh = matches.filter((m) => !previousMeasures.has(m.measureId));
  if (fresh.length > 0) {
    const id = kind === 'new' ? item.storyKey : `${item.storyKey}~${fresh.map((m) => m.measureId).join('+')}`;
    const alert = buildAlert({ id, item, matches: fresh, measures: deps.classifier.measures, createdAt: now.toISOString() });
    if (await deps.store.createAlert(alert)) alertsCreated++;
  }
  // 4. commit marker: the item is seen from now on.
  await deps.store.putItem({ ...item, processedAt: now.toISOString() });
  return { kind, matches: matches.length, alertsCreated };
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
