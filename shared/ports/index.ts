/** Ports: the interfaces the use cases need. Adapters in shared/adapters implement them. */
import type { StoryFingerprint } from '../domain/story.js';
import type { Alert, FeedConfig, FeedState, StoredItem, StoredMatch } from '../domain/types.js';

/** Current time; injected so tests and backtests control it. */
export interface Clock {
  now(): Date;
}

export interface FetchValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchResult =
  | {
      status: 'ok';
      body: Uint8Array;
      /** Content-Type header, for charset detection. */
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** Final URL after redirects, to resolve relative links. */
      url: string;
    }
  | { status: 'not-modified' };

/** Fetches a feed's bytes over HTTP. Throws FetchError (with a code) on failure. */
export interface FeedFetcher {
  fetch(feed: FeedConfig, validators: FetchValidators): Promise<FetchResult>;
}

/** Feed validators and health. */
export interface FeedStateStore {
  getFeedState(feedId: string): Promise<FeedState | null>;
  putFeedState(state: FeedState): Promise<void>;
  listFeedStates(): Promise<FeedState[]>;
}

/** Normalised items. */
export interface ItemStore {
  getItem(itemKey: string): Promise<StoredItem | null>;
  /** Upsert: the same item written twice gives the same stored state. */
  putItem(item: StoredItem): Promise<void>;
}

export interface MatchQuery {
  measureId?: string;
  feedId?: string;
  /** Inclusive ISO lower bound on the match's published time. */
  since?: string;
  /** Exclusive ISO upper bound. */
  until?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface MatchPage {
  matches: StoredMatch[];
  /** Present when more results exist. */
  cursor: string | null;
}

/** Matches, queried by key or index, never by Scan. Newest first. */
export interface MatchStore {
  putMatches(matches: StoredMatch[]): Promise<void>;
  getMatchesForItem(itemKey: string): Promise<StoredMatch[]>;
  queryMatches(query: MatchQuery): Promise<MatchPage>;
}

/** Alert records: one per story. */
export interface AlertStore {
  /** Creates the alert unless one exists for the story; returns false when it already existed. */
  createAlert(alert: Alert): Promise<boolean>;
  getAlert(id: string): Promise<Alert | null>;
  listPendingAlerts(limit: number): Promise<Alert[]>;
  markAlertPublished(id: string, publishedAt: string): Promise<void>;
  /**
   * Replaces the measures, evidence, severity and stage of a still-pending alert, so a later copy of the
   * story that matches more measures widens the one alert instead of sending a second. Optimistic: only
   * when the stored alert is pending and still has `expectedMeasureCount` measures (measures only grow).
   * Returns false when it was published or changed meanwhile.
   */
  extendPendingAlert(alert: Alert, expectedMeasureCount: number): Promise<boolean>;
}

/** Where a story was reported: one item of one feed. */
export interface StorySource {
  feedId: string;
  itemKey: string;
  link: string | null;
  title: string | null;
}

/** A story: the fingerprint of the item that started it, and every item that reported it. */
export interface StoryRecord extends StoryFingerprint {
  storyKey: string;
  /** Item that started the story; it alone claims bands for the story. */
  createdBy: string;
  createdAt: string;
  /** Oldest first; at most STORY_SOURCES_MAX (domain/story.ts); later items still carry the story key. */
  sources: StorySource[];
  /** Set when a racing poller found an equal story it must yield to; follow it to the surviving story. */
  mergedInto: string | null;
}

/** Owner of one LSH band key: the first story that claimed it. */
export interface StoryBandOwner {
  storyKey: string;
  /** The owner's first-published time; a band whose owner is older than the story window is re-claimable. */
  published: string;
}

/** Stories and their LSH bands, for near-duplicate detection across feeds. */
export interface StoryStore {
  /** Owners of the given band keys (keys nobody claimed are absent from the map). */
  getStoryBands(bandKeys: readonly string[]): Promise<Map<string, StoryBandOwner>>;
  /**
   * Claims a band for a story unless another story owns it with `published` at or after `reclaimBefore`;
   * returns the owner after the attempt (the claimant when it won, or when it already owned the band).
   */
  claimStoryBand(bandKey: string, owner: StoryBandOwner, reclaimBefore: string): Promise<StoryBandOwner>;
  getStory(storyKey: string): Promise<StoryRecord | null>;
  /** Creates the story unless it exists; returns false when it already existed (which is not an error). */
  createStory(story: StoryRecord): Promise<boolean>;
  /** Adds a source unless one with the same itemKey is listed (idempotent); no-op for an unknown story. */
  appendStorySource(storyKey: string, source: StorySource): Promise<void>;
  /** Records that the story yielded to `into`; the first recorded target wins. */
  markStoryMerged(storyKey: string, into: string): Promise<void>;
}

/** Per-feed canonical link → item key, to notice GUIDs that change while the link stays. */
export interface ItemLinkStore {
  getItemKeyByLink(feedId: string, linkHash: string): Promise<string | null>;
  /** Upsert: the link now points to this item key. */
  putItemLink(feedId: string, linkHash: string, itemKey: string): Promise<void>;
}

/** Everything the single-table DynamoDB adapter provides. */
export type RadarStore = FeedStateStore & ItemStore & MatchStore & AlertStore & StoryStore & ItemLinkStore;

/** Delivers an alert. Must be idempotent on alert.id: publishing the same alert twice delivers once. */
export interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}
