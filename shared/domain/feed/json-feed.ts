/** JSON Feed 1.x (https://jsonfeed.org/version/1.1) → ParsedFeed, with the same normalisation as XML. */
import type { ParsedFeed, ParsedItem } from '../types.js';
import { parseFeedDate } from './dates.js';
import { FeedParseError } from './errors.js';
import { capText, cleanScalar, cleanText, resolveLink, uniqueStrings } from './normalise.js';

/** True when the document is JSON (by content type or by its first character). */
export function looksLikeJsonFeed(text: string, contentType: string | null): boolean {
  const first = text.trimStart()[0];
  if (first === '{') return true;
  return first !== '<' && /\bjson\b/i.test(contentType ?? '');
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function authorName(item: Record<string, unknown>): string | null {
  const authors = Array.isArray(item.authors) ? item.authors : [];
  for (const author of [...authors, item.author]) {
    const name = cleanText(str(record(author).name));
    if (name) return name;
  }
  return null;
}

function itemFrom(value: unknown, bases: Array<string | null>): ParsedItem {
  const item = record(value);
  const summary =
    cleanText(str(item.summary)) ?? cleanText(str(item.content_html)) ?? cleanText(str(item.content_text));
  return {
    guid: cleanScalar(str(item.id)),
    title: cleanText(str(item.title)),
    link: resolveLink(str(item.url) ?? str(item.external_url), ...bases),
    summary: capText(summary),
    published: parseFeedDate(str(item.date_published)) ?? parseFeedDate(str(item.date_modified)),
    author: authorName(item),
    categories: uniqueStrings(Array.isArray(item.tags) ? item.tags.map(str) : []),
  };
}

/** Parses a JSON Feed document; throws FeedParseError for invalid JSON or a non-feed object. */
export function parseJsonFeed(text: string, baseUrl: string | null): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FeedParseError('INVALID_JSON', `invalid JSON: ${message.slice(0, 200)}`);
  }
  const feed = record(doc);
  const version = str(feed.version) ?? '';
  if (!/jsonfeed\.org\/version\/1/i.test(version) && !Array.isArray(feed.items)) {
    throw new FeedParseError('NOT_A_FEED', 'JSON document is not a JSON Feed (no version and no items)');
  }
  const homePage = resolveLink(str(feed.home_page_url), baseUrl);
  const bases = [homePage, baseUrl, resolveLink(str(feed.feed_url), baseUrl)];
  return {
    format: 'json',
    feed: {
      title: cleanText(str(feed.title)),
      link: homePage,
      description: capText(cleanText(str(feed.description))),
    },
    items: (Array.isArray(feed.items) ? feed.items : []).map((item) => itemFrom(item, bases)),
  };
}
