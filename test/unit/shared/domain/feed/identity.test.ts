import { describe, expect, it } from 'vitest';
import {
  canonicalLink,
  contentHash,
  itemKeyFor,
  unstableGuidsIn,
} from '../../../../../shared/domain/feed/index.js';
import type { ParsedItem } from '../../../../../shared/domain/types.js';

const item = (over: Partial<ParsedItem> = {}): ParsedItem => ({
  guid: null,
  title: 'EU adopts 18th sanctions package',
  link: 'https://example.org/news/1',
  summary: 'The Council adopted…',
  published: null,
  author: null,
  categories: [],
  ...over,
});

describe('canonicalLink', () => {
  it('lower-cases scheme and host, drops fragments and default ports, keeps path case', () => {
    expect(canonicalLink('HTTPS://Example.ORG:443/News/Item-1#comments')).toBe(
      'https://example.org/News/Item-1',
    );
    expect(canonicalLink('http://example.org:80/a')).toBe('http://example.org/a');
  });

  it('drops tracking parameters and sorts the rest', () => {
    expect(
      canonicalLink(
        'https://example.org/a?utm_source=rss&b=2&fbclid=x&a=1&gclid=y&mc_cid=z&ocid=q&UTM_Medium=m&CMP=share',
      ),
    ).toBe('https://example.org/a?a=1&b=2');
    expect(canonicalLink('https://example.org/a?utm_campaign=x')).toBe('https://example.org/a');
  });

  it('folds AMP variants onto the article', () => {
    const plain = 'https://example.org/world/story';
    expect(canonicalLink('https://example.org/world/story/amp')).toBe(plain);
    expect(canonicalLink('https://example.org/world/story/amp/')).toBe(plain);
    expect(canonicalLink('https://example.org/world/story?amp')).toBe(plain);
    expect(canonicalLink('https://example.org/world/story?amp=1')).toBe(plain);
    expect(canonicalLink('https://example.org/world/story.amp')).toBe(plain);
    expect(canonicalLink('https://example.org/world/story.amp.html')).toBe(`${plain}.html`);
    expect(canonicalLink('https://amp.example.org/world/story')).toBe(plain);
  });

  it('returns null for missing or non-http links', () => {
    expect(canonicalLink(null)).toBeNull();
    expect(canonicalLink('not a url')).toBeNull();
    expect(canonicalLink('javascript:alert(1)')).toBeNull();
  });
});

describe('contentHash', () => {
  it('is 32 hex chars and ignores case, whitespace and tracking noise', () => {
    const a = contentHash(item());
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(
      contentHash(
        item({
          title: '  EU ADOPTS 18th   sanctions package ',
          link: 'https://example.org/news/1?utm_source=x',
        }),
      ),
    ).toBe(a);
  });

  it('changes when the text changes', () => {
    expect(contentHash(item({ summary: 'Updated text' }))).not.toBe(contentHash(item()));
  });
});

describe('itemKeyFor', () => {
  it('uses the GUID scoped by feed, as a fixed-length ASCII key', () => {
    const key = itemKeyFor(item({ guid: '12345' }), 'feed-a');
    expect(key).toMatch(/^g:[0-9a-f]{32}$/);
    expect(itemKeyFor(item({ guid: '12345', title: 'edited' }), 'feed-a')).toBe(key);
    expect(itemKeyFor(item({ guid: '12345' }), 'feed-b')).not.toBe(key);
  });

  it('is stable across runs and releases (pinned values: stored keys depend on them)', () => {
    expect(itemKeyFor(item({ guid: 'urn:x:1' }), 'ofsi')).toBe('g:0a8896bfef780e9685b39c9a00b76c3b');
    expect(itemKeyFor(item({ guid: ' urn:x:1 ' }), 'ofsi')).toBe('g:0a8896bfef780e9685b39c9a00b76c3b');
    expect(itemKeyFor(item(), 'any-feed')).toBe('l:809e5c5700222b3a96d6e428ff06b159');
    expect(contentHash(item())).toBe('e63e379646607e2bfa1175f4f1216a36');
  });

  it('falls back to the canonical link when the GUID is missing or unstable', () => {
    const byLink = itemKeyFor(item(), 'feed-a');
    expect(byLink).toMatch(/^l:[0-9a-f]{32}$/);
    expect(itemKeyFor(item({ guid: 'dup' }), 'feed-a', true)).toBe(byLink);
    expect(itemKeyFor(item({ link: 'https://EXAMPLE.org/news/1?utm_medium=rss#top' }), 'feed-a')).toBe(
      byLink,
    );
  });

  it('falls back to the content hash without GUID or link', () => {
    const key = itemKeyFor(item({ link: null }), 'feed-a');
    expect(key).toBe(`c:${contentHash(item({ link: null }))}`);
  });
});

describe('unstableGuidsIn', () => {
  it('flags a GUID that repeats within one fetch', () => {
    expect(unstableGuidsIn([item({ guid: 'a' }), item({ guid: 'b' })])).toBe(false);
    expect(unstableGuidsIn([item({ guid: 'a' }), item({ guid: null }), item({ guid: null })])).toBe(false);
    expect(unstableGuidsIn([item({ guid: 'a' }), item({ guid: 'b' }), item({ guid: 'a' })])).toBe(true);
  });
});
