import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  decodeFeedBytes,
  mojibakeMarkers,
  repairMojibake,
} from '../../../../../shared/domain/feed/decode.js';
import { parseFeed } from '../../../../../shared/domain/feed/index.js';
import { fixture, utf8 } from './fixtures.js';

const FEED =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>Санкции ЕС: «пакет» №18</title></channel></rss>';

function withBom(bom: number[], body: Uint8Array): Uint8Array {
  return Uint8Array.from([...bom, ...body]);
}

describe('decodeFeedBytes', () => {
  it('uses a UTF-8 BOM and strips it', () => {
    const { text, encoding } = decodeFeedBytes(withBom([0xef, 0xbb, 0xbf], utf8(FEED)));
    expect(encoding).toBe('utf-8');
    expect(text.startsWith('<?xml')).toBe(true);
  });

  it.each([
    ['utf-16le', [0xff, 0xfe]],
    ['utf-16be', [0xfe, 0xff]],
    ['utf-32le', [0xff, 0xfe, 0, 0]],
    ['utf-32be', [0, 0, 0xfe, 0xff]],
  ])('decodes %s from its BOM', (encoding, bom) => {
    const body = iconv.encode(FEED, encoding);
    const decoded = decodeFeedBytes(withBom(bom, body));
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toBe(FEED);
  });

  it.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'])('recognises %s without a BOM', (encoding) => {
    const decoded = decodeFeedBytes(iconv.encode(FEED, encoding));
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toBe(FEED);
  });

  it('lets the BOM win over a contradicting HTTP charset', () => {
    const decoded = decodeFeedBytes(
      withBom([0xef, 0xbb, 0xbf], utf8(FEED)),
      'text/xml; charset=windows-1251',
    );
    expect(decoded.text).toContain('Санкции');
  });

  it('uses the HTTP charset before the XML declaration', () => {
    const bytes = iconv.encode(
      FEED.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="koi8-r"?>'),
      'windows-1251',
    );
    expect(decodeFeedBytes(bytes, 'application/rss+xml; charset="windows-1251"').text).toContain(
      '«пакет» №18',
    );
  });

  it('decodes windows-1251 declared in the XML declaration (ibash, oren.ru)', () => {
    const decoded = decodeFeedBytes(fixture('real/oren-ru-news-yandex-rss2-2014-ru-windows-1251.xml'));
    expect(decoded.encoding).toBe('windows-1251');
    expect(decoded.text).toContain('Бузулуке');
  });

  it('decodes GB2312 via GB18030 (kc0011)', () => {
    const decoded = decodeFeedBytes(fixture('real/kc0011-forum-rss2-2020-zh-gb2312.xml'));
    expect(decoded.encoding).toBe('gb18030');
    expect(decoded.text).toContain('建国35周年纪念');
  });

  it('sniffs undeclared Latin-1 as windows-1252 (Le Cercle Psy)', () => {
    const decoded = decodeFeedBytes(fixture('real/le-cercle-psy-rss2-fr-iso-8859-1-no-xml-decl.xml'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toContain('Flux RSS du magazine de psychologie');
    expect(decoded.text).not.toContain('\uFFFD');
    expect(decoded.text).toMatch(/[éèà]/);
  });

  it('prefers UTF-8 when declared ISO-8859-1 bytes are valid UTF-8 (finanzen.net)', () => {
    const bytes = fixture('real/finanzen-net-analysen-rss2-de-declared-iso-8859-1-actually-utf-8.xml');
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text).not.toMatch(/Ã[\u0080-\u00BF]/);
  });

  it('treats a declared ISO-8859-1 as windows-1252 so curly quotes survive', () => {
    const body = Uint8Array.from([
      ...utf8('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>'),
      0x93,
      0x41,
      0x94,
      0xe9,
      ...utf8('</title></channel></rss>'),
    ]);
    expect(decodeFeedBytes(body).text).toContain('“A”é');
  });

  it('falls back to sniffing when a declared UTF-8 document is not UTF-8', () => {
    const bytes = iconv.encode(FEED.replace('?>', ' encoding="utf-8"?>'), 'windows-1251');
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.encoding).toBe('windows-1251');
    expect(decoded.text).toContain('Санкции');
  });

  it.each([
    ['koi8r.xml', 'koi8-r', 'Как пережить новогоднюю ночь'],
    ['gb2312.xml', 'gb18030', '不归移民漫画系列'],
    ['shiftjis.xml', 'shift_jis', 'DrecomRSSに記事投稿'],
    ['eucjp.xml', 'euc-jp', 'ゲーム三昧な正月'],
    ['euckr.xml', 'euc-kr', '한글닉네임'],
    ['tis620.xml', 'tis620', 'สำนักงาน'],
    ['windows1255.xml', 'windows-1255', 'האם תדפיס'],
  ])('sniffs undeclared %s as %s', (file, encoding, expected) => {
    const decoded = decodeFeedBytes(fixture(`feedparser/${file}`));
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toContain(expected);
  });
});

describe('repairMojibake', () => {
  it('repairs double-encoded German, French and Russian', () => {
    expect(repairMojibake('KÃ¤ltewelle in Europa: FlÃ¼chtlinge')).toBe('Kältewelle in Europa: Flüchtlinge');
    expect(repairMojibake('Piratage imputÃ© Ã\u00a0 la Russie')).toBe('Piratage imputé à la Russie');
    expect(repairMojibake('Ð¯Ð½Ð´ÐµÐºÑ\u0081')).toBe('Яндекс');
    expect(repairMojibake('Trumpâ€™s â€œdealâ€\u009d')).toBe('Trump’s “deal”');
  });

  it('leaves clean text, including real Ã and Ð, untouched', () => {
    for (const clean of ['SÃO PAULO', 'Ðurić', 'Kälte', 'JO d’hiver 2018', '建国35周年', 'Санкции']) {
      expect(repairMojibake(clean)).toBe(clean);
    }
  });

  it('counts markers only in garbled text', () => {
    expect(mojibakeMarkers('KÃ¤lte')).toBe(1);
    expect(mojibakeMarkers('Kälte')).toBe(0);
  });
});

describe('double-encoded feeds end to end', () => {
  it.each([
    ['real/faz-net-aktuell-rss2-2017-de-double-encoded.xml', 'Kältewelle in Europa'],
    ['real/lemonde-une-rss2-2017-fr-double-encoded.xml', 'Piratage imputé à la Russie'],
    ['real/yandex-news-moscow-rss2-2017-ru-double-encoded.xml', 'В Москве из-за сильных морозов'],
  ])('repairs titles of %s', async (file, expected) => {
    const feed = await parseFeed(fixture(file));
    const titles = feed.items.map((item) => item.title ?? '');
    expect(titles.some((title) => title.includes(expected))).toBe(true);
    expect(titles.filter((title) => mojibakeMarkers(title) > 0)).toEqual([]);
  });

  it('does not damage the clean Le Monde copy', async () => {
    const bytes = fixture('real/lemonde-une-rss2-2018-fr.xml');
    const feed = await parseFeed(bytes);
    const raw = new TextDecoder().decode(bytes);
    for (const item of feed.items) {
      expect(item.title).not.toBeNull();
      expect(mojibakeMarkers(item.title ?? '')).toBe(0);
    }
    expect(feed.items.map((i) => i.title)).toContain(
      'JO d’hiver 2018 : pas de médaille pour Martin Fourcade',
    );
    expect(raw).toContain('JO d’hiver 2018 : pas de médaille pour Martin Fourcade');
  });
});
