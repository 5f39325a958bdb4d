/** Test doubles for ports that have no real local counterpart in unit tests. */
import type { Alert, FeedConfig } from '../../shared/domain/types.js';
import type {
  AlertPublisher,
  Clock,
  FeedFetcher,
  FetchResult,
  FetchValidators,
} from '../../shared/ports/index.js';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: Date = new Date('2026-11-29T10:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

type Response = { body: string; etag?: string } | { error: Error };

/** Serves canned bodies per URL; honours If-None-Match like a real server; records requests. */
export class FakeFetcher implements FeedFetcher {
  readonly requests: Array<{ url: string; validators: FetchValidators }> = [];
  private readonly responses = new Map<string, Response>();

  set(url: string, response: Response): void {
    this.responses.set(url, response);
  }

  async fetch(feed: FeedConfig, validators: FetchValidators): Promise<FetchResult> {
    this.requests.push({ url: feed.url, validators });
    const r = this.responses.get(feed.url);
    if (!r) throw Object.assign(new Error(`${feed.url}: HTTP 404`), { code: 'HTTP_STATUS', status: 404 });
    if ('error' in r) throw r.error;
    if (r.etag && validators.etag === r.etag) return { status: 'not-modified' };
    return {
      status: 'ok',
      body: new TextEncoder().encode(r.body),
      contentType: 'application/rss+xml; charset=utf-8',
      etag: r.etag ?? null,
      lastModified: null,
      url: feed.url,
    };
  }
}

/** Records published alerts; optionally fails for chosen ids. Idempotent on id, like real publishers. */
export class RecordingPublisher implements AlertPublisher {
  readonly delivered: Alert[] = [];
  failing = false;
  async publish(alert: Alert): Promise<void> {
    if (this.failing) throw Object.assign(new Error('publisher down'), { code: 'PUBLISH' });
    if (!this.delivered.some((a) => a.id === alert.id)) this.delivered.push(alert);
  }
}

/** Builds an RSS 2.0 document from items. */
export function rss(
  items: Array<{ guid?: string; title: string; link?: string; description?: string; pubDate?: string }>,
): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://example.org/</link>${items
    .map(
      (i) =>
        `<item>${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}<title>${esc(i.title)}</title>${
          i.link ? `<link>${esc(i.link)}</link>` : ''
        }${i.description ? `<description>${esc(i.description)}</description>` : ''}<pubDate>${
          i.pubDate ?? 'Mon, 08 Sep 2025 19:30:00 GMT'
        }</pubDate></item>`,
    )
    .join('')}</channel></rss>`;
}
