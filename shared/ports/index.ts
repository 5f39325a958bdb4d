/** Ports: the interfaces the use cases need. Adapters in shared/adapters implement them. */
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
}

/** Everything the single-table DynamoDB adapter provides. */
export type RadarStore = FeedStateStore & ItemStore & MatchStore & AlertStore;

/** Delivers an alert. Must be idempotent on alert.id: publishing the same alert twice delivers once. */
export interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}
