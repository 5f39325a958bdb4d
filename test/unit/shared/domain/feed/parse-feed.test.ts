import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../../../../shared/domain/feed/index.js';
import { fixture, utf8 } from './fixtures.js';

const rss = (items: string, attrs = ' version="2.0"') =>
  `<?xml version="1.0" encoding="utf-8"?><rss${attrs}><channel><title>T</title><link>https://example.org/</link><description>D</description>${items}</channel></rss>`;

async function expectCode(bytes: Uint8Array, code: string) {
  const error = await parseFeed(bytes).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(FeedParseError);
  expect((error as FeedParseError).code).toBe(code);
  expect((error as FeedParseError).message.length).toBeGreaterThan(5);
}

describe('parseFeed formats', () => {
  it('reads RSS 2.0 with normalised scalars, absolute links and ISO dates', async () => {
    const feed = await parseFeed(
      utf8(
        rss(`<item><title>EU adopts <b>18th</b> package</title><link>/news/1?utm_source=rss</link>
          <guid isPermaLink="false">abc-1</guid><description>&lt;p&gt;Asset &amp;amp; freeze&lt;/p&gt;</description>
          <pubDate>Tue, 03 Jun 2025 10:00:00 +0200</pubDate><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Jane</dc:creator>
          <category>Sanctions</category><category domain="x">Russia</category><category>Sanctions</category></item>`),
      ),
    );
    expect(feed.format).toBe('rss2');
    expect(feed.feed).toEqual({ title: 'T', link: 'https://example.org/', description: 'D' });
    expect(feed.items).toEqual([
      {
        guid: 'abc-1',
        title: 'EU adopts 18th package',
        link: 'https://example.org/news/1?utm_source=rss',
        summary: 'Asset & freeze',
        published: '2025-06-03T08:00:00.000Z',
        author: 'Jane',
        categories: ['Sanctions', 'Russia'],
      },
    ]);
  });

  it('reads RSS 0.91 (stadtfeuerwehr, ISO-8859-1)', async () => {
    const feed = await parseFeed(fixture('real/stadtfeuerwehr-weiz-rss091-de-iso-8859-1.xml'));
    expect(feed.format).toBe('rss0.9');
    expect(feed.items).toHaveLength(15);
    expect(feed.items.every((item) => item.title && item.link)).toBe(true);
  });

  it('reads RSS 1.0 / RDF (orf.at, with a BOM)', async () => {
    const feed = await parseFeed(fixture('real/orf-at-news-rss1-rdf-2017-de-bom.xml'));
    expect(feed.format).toBe('rss1');
    expect(feed.items).toHaveLength(50);
    expect(feed.items[0]?.title).toBe('US-Band New Edition mit Stern auf „Walk of Fame“ geehrt');
    expect(feed.items[0]?.published).toBe('2017-01-23T20:54:55.000Z');
  });

  it('reads RSS 0.90 RDF (heise)', async () => {
    const feed = await parseFeed(fixture('real/heise-online-news-rss090-rdf-2018-de.xml'));
    expect(feed.format).toBe('rss0.9');
    expect(feed.items.length).toBeGreaterThanOrEqual(60);
  });

  it('reads Atom 1.0 with category terms and author names (OFSI)', async () => {
    const feed = await parseFeed(
      fixture('real/govuk-ofsi-office-of-financial-sanctions-implementation-atom-2026-09.xml'),
    );
    expect(feed.format).toBe('atom1');
    expect(feed.items).toHaveLength(20);
    for (const item of feed.items) {
      expect(item.link).toMatch(/^https:\/\/www\.gov\.uk\//);
      expect(item.guid).not.toBeNull();
      expect(item.published).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  });

  it('maps Atom <category term> to categories and resolves relative links', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;lt;b&amp;gt;feed</title>
      <link rel="self" href="https://example.org/feed.atom"/><link href="https://example.org/"/>
      <entry><id>urn:x:1</id><title>One</title><link rel="alternate" href="/a/1"/><link rel="enclosure" href="/a.mp3"/>
      <category term="sanctions" label="Sanctions"/><author><name>OFSI</name></author>
      <updated>2026-09-24T09:49:08+01:00</updated><summary type="html">&lt;script&gt;x()&lt;/script&gt;Sum</summary></entry></feed>`;
    const feed = await parseFeed(utf8(atom));
    expect(feed.format).toBe('atom1');
    expect(feed.feed.link).toBe('https://example.org/');
    expect(feed.items[0]).toEqual({
      guid: 'urn:x:1',
      title: 'One',
      link: 'https://example.org/a/1',
      summary: 'Sum',
      published: '2026-09-24T08:49:08.000Z',
      author: 'OFSI',
      categories: ['sanctions'],
    });
  });

  it('reads Atom 0.3', async () => {
    const atom = `<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
      <link rel="alternate" type="text/html" href="http://example.org/"/>
      <entry><title>E</title><link rel="alternate" type="text/html" href="http://example.org/e"/><id>tag:e</id>
      <issued>2004-01-01T10:00:00Z</issued><tagline>x</tagline></entry></feed>`;
    const feed = await parseFeed(utf8(atom));
    expect(feed.format).toBe('atom0.3');
    expect(feed.items[0]).toMatchObject({
      title: 'E',
      link: 'http://example.org/e',
      published: '2004-01-01T10:00:00.000Z',
    });
  });

  it('reads JSON Feed 1.1', async () => {
    const json = {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'J',
      home_page_url: 'https://example.org/',
      items: [
        {
          id: 7,
          url: '/p/7',
          title: 'Seven',
          content_html: '<p>Hi <em>there</em></p>',
          date_published: '2025-01-02T03:04:05Z',
          authors: [{ name: 'Ann' }],
          tags: ['x'],
        },
        { id: 'b', content_text: 'no title' },
      ],
    };
    const feed = await parseFeed(utf8(JSON.stringify(json)), { contentType: 'application/feed+json' });
    expect(feed.format).toBe('json');
    expect(feed.items[0]).toEqual({
      guid: '7',
      title: 'Seven',
      link: 'https://example.org/p/7',
      summary: 'Hi there',
      published: '2025-01-02T03:04:05.000Z',
      author: 'Ann',
      categories: ['x'],
    });
    expect(feed.items[1]).toMatchObject({
      guid: 'b',
      title: null,
      link: null,
      summary: 'no title',
      categories: [],
    });
  });

  it('coerces object-valued titles, links and guids to strings', async () => {
    const feed = await parseFeed(
      utf8(
        rss(
          '<item><title type="text" lang="en">Obj</title><link rel="x">https://e.org/1</link><guid isPermaLink="true">https://e.org/1</guid></item>',
        ),
      ),
    );
    expect(feed.items[0]).toMatchObject({ title: 'Obj', link: 'https://e.org/1', guid: 'https://e.org/1' });
  });

  it('uses a permalink GUID when the item has no link, and keeps only http(s) links', async () => {
    const feed = await parseFeed(
      utf8(
        rss(
          '<item><title>a</title><guid>https://e.org/g</guid></item><item><title>b</title><link>javascript:alert(1)</link></item>',
        ),
      ),
    );
    expect(feed.items[0]?.link).toBe('https://e.org/g');
    expect(feed.items[1]?.link).toBeNull();
  });

  it('caps long summaries', async () => {
    const long = 'word '.repeat(2000);
    const feed = await parseFeed(
      utf8(rss(`<item><title>x</title><description>${long}</description></item>`)),
    );
    expect(feed.items[0]?.summary?.length).toBeLessThanOrEqual(2000);
  });
});

describe('parseFeed leniency', () => {
  it('escapes bare ampersands (Guardian attribute URLs)', async () => {
    const feed = await parseFeed(fixture('real/guardian-world-rss2-2022.xml'));
    expect(feed.items.length).toBeGreaterThanOrEqual(54);
    const inline = await parseFeed(
      utf8(rss('<item><title>AT&T & Co</title><link>https://e.org/?a=1&b=2</link></item>')),
    );
    expect(inline.items[0]).toMatchObject({ title: 'AT&T & Co', link: 'https://e.org/?a=1&b=2' });
  });

  it('accepts undeclared HTML named entities', async () => {
    const feed = await parseFeed(
      utf8(rss('<item><title>Caf&eacute;&nbsp;&hellip; &mdash; &unknownthing; &copy</title></item>')),
    );
    expect(feed.items[0]?.title).toBe('Café … — &unknownthing; ©');
  });

  it('skips leading whitespace and garbage before the root', async () => {
    const feed = await parseFeed(utf8(`\n\n  junk ${rss('<item><title>ok</title></item>')}`));
    expect(feed.items[0]?.title).toBe('ok');
  });

  it('repairs a broken <?phpxml declaration (fcutrecht)', async () => {
    const feed = await parseFeed(fixture('real/fcutrecht-rss2-2021-nl-broken-xml-decl.xml'));
    expect(feed.items).toHaveLength(20);
  });

  it('reads <rss> without a version as RSS 2.0', async () => {
    const feed = await parseFeed(utf8(rss('<item><title>nv</title></item>', '')));
    expect(feed.format).toBe('rss2');
    expect(feed.items[0]?.title).toBe('nv');
  });

  it('reads a BOM followed by <rss> without a declaration (mirror.co.uk)', async () => {
    const feed = await parseFeed(fixture('real/mirror-co-uk-world-news-rss2-2016-bom-no-xml-decl.xml'));
    expect(feed.items).toHaveLength(25);
  });

  it('recovers truncated and mis-nested documents', async () => {
    const truncated = await parseFeed(
      utf8(rss('<item><title>one</title></item><item><title>cut').replace(/<\/channel><\/rss>$/, '')),
    );
    expect(truncated.items.map((i) => i.title)).toEqual(['one', 'cut']);
    const misnested = await parseFeed(utf8('<rss version="2.0"><channel><title>x</channel><item></rss>'));
    expect(misnested.feed.title).toBe('x');
  });

  it('repairs unquoted and duplicate attributes and stray <', async () => {
    const feed = await parseFeed(
      utf8(
        rss(
          '<item><title>a < b</title><link href=https://e.org/x rel=alternate rel=x>https://e.org/y</link></item>',
        ),
      ),
    );
    expect(feed.items[0]).toMatchObject({ title: 'a < b', link: 'https://e.org/x' });
  });

  it('decodes base64 Atom text constructs', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="application/octet-stream">${Buffer.from('Example <b>Atom</b>').toString('base64')}</title></entry></feed>`;
    expect((await parseFeed(utf8(atom))).items[0]?.title).toBe('Example Atom');
  });

  it('removes only a prologue DOCTYPE, leaving `<!DOCTYPE` text inside CDATA alone', async () => {
    const withDoctype = await parseFeed(
      utf8(`<!DOCTYPE rss PUBLIC "-//x//EN" "http://x/">${rss('<item><title>d</title></item>')}`),
    );
    expect(withDoctype.items[0]?.title).toBe('d');
    const inCdata = await parseFeed(
      utf8('<rss><item><title>t</title><description><![CDATA[ <!DOCTYPE ]]></description></item></rss>'),
    );
    expect(inCdata.items).toHaveLength(1);
  });

  it('reads RSS whose elements carry a namespace prefix (<r:rss>)', async () => {
    const xml = `<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2" xmlns:atom="http://www.w3.org/2005/Atom">
      <r:channel><r:title>P</r:title><atom:link rel="self" href="https://e.org/feed"/><r:item><r:title>I</r:title></r:item></r:channel></r:rss>`;
    const feed = await parseFeed(utf8(xml));
    expect(feed.feed.title).toBe('P');
    expect(feed.items[0]?.title).toBe('I');
  });

  it('drops invalid XML control characters instead of failing', async () => {
    const feed = await parseFeed(utf8(rss('<item><title>a\u0001b\u000Bc</title></item>')));
    expect(feed.items[0]?.title).toBe('abc');
  });

  it.each([
    ['real/kc0011-forum-rss2-2020-zh-gb2312.xml', '2020-01-10T14:33:00.000Z'],
    ['real/ilgiornale-cronache-rss2-2022-it.xml', '2022-11-15T20:15:04.000Z'],
  ])('reads the non-RFC-822 dates of %s', async (file, expected) => {
    const feed = await parseFeed(fixture(file));
    expect(feed.items[0]?.published).toBe(expected);
  });

  it('reads the Latin-1 feed without a declaration, keeping its empty item', async () => {
    const feed = await parseFeed(fixture('real/le-cercle-psy-rss2-fr-iso-8859-1-no-xml-decl.xml'));
    expect(feed.items.filter((item) => item.title && item.link)).toHaveLength(9);
    expect(feed.items.some((item) => item.title === null && item.link === null)).toBe(true);
  });
});

describe('parseFeed errors', () => {
  it('rejects empty input', async () => {
    await expectCode(new Uint8Array(), 'EMPTY');
    await expectCode(utf8('   \n'), 'EMPTY');
  });

  it('rejects documents that are not feeds', async () => {
    await expectCode(utf8('<html><body>hi</body></html>'), 'NOT_A_FEED');
    await expectCode(utf8('just text'), 'NOT_A_FEED');
    await expectCode(utf8('{"hello": 1}'), 'NOT_A_FEED');
  });

  it('rejects XML that no repair can read, and malformed JSON, with a message', async () => {
    await expectCode(utf8('<rss'), 'MALFORMED_XML');
    await expectCode(
      utf8('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'),
      'MALFORMED_XML',
    );
    await expectCode(utf8('{"version": "https://jsonfeed.org/version/1", '), 'INVALID_JSON');
  });

  it('rejects oversize documents before decoding', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x20);
    await expectCode(big, 'TOO_LARGE');
    const error = await parseFeed(utf8(rss('')), { maxBytes: 10 }).catch((err: unknown) => err);
    expect((error as FeedParseError).code).toBe('TOO_LARGE');
  });
});
