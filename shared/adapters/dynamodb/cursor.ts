/**
 * Pure helpers that define the observable semantics of MatchStore.queryMatches (sort order, bounds,
 * cursor) and of value cleaning. Both the DynamoDB store and the in-memory fake use them, so the two
 * cannot drift apart.
 */
import type { MatchQuery } from '../../ports/index.js';
import { InvalidCursorError, InvalidQueryError } from './errors.js';

/** The fields of a match that fix its position in every match listing. */
export interface MatchPosition {
  published: string;
  itemKey: string;
  measureId: string;
}

/** Where a query reads from: rows with lower <= sortKey < upper, newest first, limit rows a page. */
export interface MatchQueryBounds {
  limit: number;
  /** Inclusive lower bound on the match sort key; undefined means unbounded. */
  lower: string | undefined;
  /** Exclusive upper bound on the match sort key (the earlier of `until` and the cursor). */
  upper: string | undefined;
  /** True when the bounds exclude every row, so no read is needed. */
  empty: boolean;
}

const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 4096;
const BUCKET_LENGTH = 7;

/**
 * Sort key shared by every match index: published first so key order is time order; the item key and
 * measure id make it unique. For ISO bounds, `sortKey >= since` and `sortKey < until` are exactly
 * `published >= since` and `published < until`, because every character that can follow a prefix of
 * an ISO timestamp sorts after '#'.
 */
export function matchSortKey(match: MatchPosition): string {
  return `${match.published}#${match.itemKey}#${match.measureId}`;
}

/** Month bucket ('YYYY-MM' for ISO times) of a match sort key; always a prefix of the key. */
export function monthBucket(sortKey: string): string {
  // Slice by code point so a bucket never ends in half a surrogate pair.
  return Array.from(sortKey).slice(0, BUCKET_LENGTH).join('');
}

/** Orders keys as DynamoDB does (UTF-8 bytes), which differs from JS string order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** True when a row with this sort key lies inside the bounds. */
export function isInBounds(sortKey: string, bounds: Pick<MatchQueryBounds, 'lower' | 'upper'>): boolean {
  if (bounds.lower !== undefined && compareKeys(sortKey, bounds.lower) < 0) return false;
  if (bounds.upper !== undefined && compareKeys(sortKey, bounds.upper) >= 0) return false;
  return true;
}

/** True when some sort key starting with `bucket` may lie inside the bounds. */
export function bucketMayHold(bucket: string, bounds: Pick<MatchQueryBounds, 'lower' | 'upper'>): boolean {
  const { lower, upper } = bounds;
  if (lower !== undefined && !lower.startsWith(bucket) && compareKeys(bucket, lower) < 0) return false;
  // The bucket itself is the smallest key it can hold.
  if (upper !== undefined && compareKeys(bucket, upper) >= 0) return false;
  return true;
}

/** Encodes the position of the last match of a page as an opaque, URL-safe cursor. */
export function encodeMatchCursor(position: MatchPosition): string {
  const payload = { v: CURSOR_VERSION, p: position.published, i: position.itemKey, m: position.measureId };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeMatchCursor; throws InvalidCursorError for anything else. */
export function decodeMatchCursor(cursor: string): MatchPosition {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError('invalid cursor: wrong length');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError('invalid cursor: not base64url');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('invalid cursor: not a cursor from this api');
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    !('v' in payload && payload.v === CURSOR_VERSION) ||
    !('p' in payload && typeof payload.p === 'string') ||
    !('i' in payload && typeof payload.i === 'string' && payload.i !== '') ||
    !('m' in payload && typeof payload.m === 'string' && payload.m !== '')
  ) {
    throw new InvalidCursorError('invalid cursor: not a cursor from this api');
  }
  return { published: payload.p, itemKey: payload.i, measureId: payload.m };
}

/** Validates a MatchQuery and turns since, until and cursor into sort-key bounds. */
export function resolveMatchQuery(query: MatchQuery): MatchQueryBounds {
  const { limit, since, until, cursor } = query;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidQueryError(`invalid limit: ${String(limit)} (expected a positive integer)`);
  }
  for (const [name, value] of [
    ['since', since],
    ['until', until],
    ['measureId', query.measureId],
    ['feedId', query.feedId],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidQueryError(`invalid ${name}: ${String(value)} (expected a string)`);
    }
  }
  // Every key is >= '', so an empty `since` bounds nothing; DynamoDB also rejects empty key values.
  const lower = since === undefined || since === '' ? undefined : since;
  let upper = until;
  if (cursor !== undefined) {
    const after = matchSortKey(decodeMatchCursor(cursor));
    if (upper === undefined || compareKeys(after, upper) < 0) upper = after;
  }
  const empty =
    upper !== undefined && (upper === '' || (lower !== undefined && compareKeys(upper, lower) <= 0));
  return { limit, lower, upper, empty };
}

/** Deep copy without undefined values (in objects and arrays), as DynamoDB stores them. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((entry) => entry !== undefined).map((entry) => stripUndefined(entry)) as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) out[key] = stripUndefined(entry);
    }
    return out as T;
  }
  return value;
}
