import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../../../../shared/domain/feed/index.js';
import { utf8 } from './fixtures.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>bomb &lol9;</title><description>&lol9;</description></item></channel></rss>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY % remote SYSTEM "http://127.0.0.1:1/x.dtd"> %remote; ]>
<rss version="2.0"><channel><title>t &xxe;</title><item><title>&xxe;</title><description>&xxe;</description>
<link>https://example.org/a</link></item></channel></rss>`;

describe('parseFeed safety', () => {
  it('never expands entities (billion laughs stays small and fast)', async () => {
    const started = Date.now();
    const feed = await parseFeed(utf8(BILLION_LAUGHS));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(feed.items).toHaveLength(1);
    const text = JSON.stringify(feed);
    expect(text.length).toBeLessThan(2000);
    expect(text).not.toContain('lollol');
  });

  it('never resolves external entities (XXE)', async () => {
    const feed = await parseFeed(utf8(XXE));
    const text = JSON.stringify(feed);
    expect(text).not.toContain('root:');
    expect(text).not.toMatch(/\/bin\/(ba)?sh/);
    expect(feed.items[0]?.link).toBe('https://example.org/a');
    // The undeclared reference is left as inert text, not resolved.
    expect(feed.items[0]?.title).toBe('&xxe;');
  });

  it('strips script, event handlers and javascript: links from text fields', async () => {
    const rss = `<rss version="2.0"><channel><title>x</title><item>
      <title>&lt;img src=x onerror="alert(1)"&gt;Hello&lt;script&gt;alert(2)&lt;/script&gt;</title>
      <description><![CDATA[<p onclick="evil()">Body <a href="javascript:alert(3)">link</a><style>p{}</style></p><script>steal()</script>]]></description>
      <link>javascript:alert(4)</link></item></channel></rss>`;
    const [item] = (await parseFeed(utf8(rss))).items;
    expect(item?.title).toBe('Hello');
    expect(item?.summary).toBe('Body link');
    expect(item?.link).toBeNull();
  });

  it('rejects bodies over the cap with TOO_LARGE', async () => {
    const error = await parseFeed(new Uint8Array(6 * 1024 * 1024)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).code).toBe('TOO_LARGE');
  });

  it('stays linear on hostile markup (unclosed tags, comments, CDATA, quotes)', async () => {
    const chunks = [
      '<title>'.repeat(50_000),
      '<!--'.repeat(50_000),
      '<![CDATA['.repeat(20_000),
      `<a title="${'<a "'.repeat(50_000)}`,
      '&'.repeat(200_000),
      `<script>${'<script>'.repeat(50_000)}`,
    ];
    for (const chunk of chunks) {
      const started = Date.now();
      await parseFeed(
        utf8(`<rss version="2.0"><channel><item><description>${chunk}</description></item></channel></rss>`),
      ).catch((err: unknown) => {
        expect(err).toBeInstanceOf(FeedParseError);
      });
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });
});
