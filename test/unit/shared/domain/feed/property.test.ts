import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalLink,
  FeedParseError,
  htmlToText,
  itemKeyFor,
  parseFeed,
} from '../../../../../shared/domain/feed/index.js';

// Feed-shaped noise: real tags and hostile fragments mixed with arbitrary text.
const fragment = fc.oneof(
  fc.constantFrom(
    '<rss version="2.0">',
    '<rss>',
    '</rss>',
    '<channel>',
    '</channel>',
    '<item>',
    '</item>',
    '<title>',
    '</title>',
    '<link>',
    '</link>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    '</feed>',
    '<entry>',
    '<link href="/x"/>',
    '<rdf:RDF>',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '<!DOCTYPE x [<!ENTITY a "&b;&b;">]>',
    '&a;',
    '&amp;',
    '&eacute;',
    '&#0;',
    '&#xFFFFFF;',
    '<?xml version="1.0" encoding="utf-16"?>',
    '<script>',
    '"',
    "'",
    '{"version":"https://jsonfeed.org/version/1","items":[',
    '\uFEFF',
    '\u0000',
  ),
  fc.string({ maxLength: 20 }),
);
const feedish = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));

describe('properties', () => {
  it('parseFeed resolves or throws FeedParseError, for any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          feedish.map((s) => new TextEncoder().encode(s)),
        ),
        async (bytes) => {
          try {
            const feed = await parseFeed(bytes);
            for (const item of feed.items) {
              expect(Array.isArray(item.categories)).toBe(true);
              for (const value of [
                item.guid,
                item.title,
                item.link,
                item.summary,
                item.published,
                item.author,
              ]) {
                expect(value === null || typeof value === 'string').toBe(true);
              }
              expect(itemKeyFor(item, 'f')).toMatch(/^[glc]:[0-9a-f]{32}$/);
            }
          } catch (err) {
            expect(err).toBeInstanceOf(FeedParseError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('htmlToText never throws and never returns markup', () => {
    fc.assert(
      fc.property(feedish, fc.string(), (a, b) => {
        const out = htmlToText(a + b);
        expect(typeof out).toBe('string');
        expect(out).not.toMatch(/<script/i);
      }),
      { numRuns: 500 },
    );
  });

  it('canonicalLink is idempotent', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicalLink(url);
        expect(canonicalLink(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
