/** Core domain types shared by parsing, classification, storage and alerting. Pure data, no I/O. */

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** A feed the pipeline polls (one entry of config/feeds.yaml). */
export interface FeedConfig {
  id: string;
  url: string;
  name: string | null;
  /** Free-form tags (official, news, language…), kept for display. */
  tags: string[];
}

/** A tracked sanctions measure (one entry of config/measures.yaml). */
export interface Measure {
  id: string;
  name: string;
  severity: Severity;
  /** Query in the measure language (phrases, AND/OR/NOT, parentheses, prefix `*`, NEAR/n, field scopes). */
  query: string;
  /** Optional clause that must also match (e.g. an acting authority or a Russia target). */
  requires: string | null;
  /** Optional clause that vetoes a match (e.g. other regimes, other senses of the word). */
  excludes: string | null;
  jurisdictions: string[];
  notes: string | null;
}

/** An item as parsed from a feed: scalars are string | null, arrays always present. */
export interface ParsedItem {
  guid: string | null;
  title: string | null;
  link: string | null;
  /** Plain text, HTML stripped. */
  summary: string | null;
  /** ISO 8601 or null when the feed gave no parseable date. */
  published: string | null;
  author: string | null;
  categories: string[];
}

export type FeedFormat = 'rss0.9' | 'rss1' | 'rss2' | 'atom0.3' | 'atom1' | 'json' | 'unknown';

export interface ParsedFeed {
  format: FeedFormat;
  feed: { title: string | null; link: string | null; description: string | null };
  items: ParsedItem[];
}

/** The text fields the classifier reads. */
export interface ClassifiableText {
  title: string | null;
  summary: string | null;
}

/** A span of the item text that satisfied (part of) a measure query. */
export interface Evidence {
  field: 'title' | 'summary';
  /** UTF-16 offsets into the original field text, end exclusive. */
  start: number;
  end: number;
  text: string;
}

/** Stage of a measure when the text states it. */
export type Stage = 'threatened' | 'proposed' | 'negotiated' | 'adopted' | 'eased';

/** One measure an item matched, with the evidence that made it match. */
export interface MeasureMatch {
  measureId: string;
  score: number;
  evidence: Evidence[];
  stage: Stage | null;
}

/** A normalised item as stored: identity plus the text that was classified. */
export interface StoredItem {
  itemKey: string;
  /** Story key; empty while the item has matched no measure (stories are assigned lazily). */
  storyKey: string;
  feedId: string;
  guid: string | null;
  title: string | null;
  link: string | null;
  summary: string | null;
  published: string | null;
  author: string | null;
  categories: string[];
  /** Hash of the classified text; a changed hash means the item was updated. */
  contentHash: string;
  fetchedAt: string;
  /** Set once matches and alert are stored; an item without it is re-processed. */
  processedAt: string | null;
  /** Measure ids that matched at the last classification. */
  measureIds: string[];
}

/** A stored match: one (item, measure) pair with its evidence and enough item text to display it. */
export interface StoredMatch {
  itemKey: string;
  measureId: string;
  feedId: string;
  title: string | null;
  link: string | null;
  /** Published time, else fetch time; the sort key of every time-range query. */
  published: string;
  score: number;
  evidence: Evidence[];
  stage: Stage | null;
  severity: Severity;
  rulesVersion: string;
  matchedAt: string;
}

export type AlertStatus = 'pending' | 'published';

/** One alert per story. Created pending, marked published after the publisher accepted it. */
export interface Alert {
  /** Stable id: the story key. */
  id: string;
  itemKey: string;
  feedId: string;
  title: string | null;
  link: string | null;
  summary: string | null;
  published: string | null;
  measures: string[];
  severity: Severity;
  stage: Stage | null;
  evidence: Array<Evidence & { measureId: string }>;
  createdAt: string;
  status: AlertStatus;
}

/** Validators and health of one feed, updated after every poll. */
export interface FeedState {
  feedId: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: { code: string; message: string } | null;
  consecutiveFailures: number;
  nextDueAt: string | null;
  itemsLastSeen: number;
  /** Last time a new item appeared; used to flag stale feeds. */
  lastNewItemAt: string | null;
  /**
   * Usual gap between the feed's items: the median gap between the published times of the last fetch,
   * else between the polls that brought new items. Absent on states written before it existed.
   */
  typicalIntervalMs?: number | null;
  /** Poll times that brought new items, newest last (a few); the fallback for typicalIntervalMs. */
  newItemArrivals?: string[];
  /** Set once the feed was seen changing an item's GUID while its link stayed: items are keyed by link. */
  guidsUnstable?: boolean;
}
