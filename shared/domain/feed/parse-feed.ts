/** Feed bytes → normalised ParsedFeed: decode, sanitise, rss-parser for XML, own JSON Feed reader. */
import Parser from 'rss-parser';
import type { FeedFormat, ParsedFeed, ParsedItem } from '../types.js';
import { parseFeedDate } from './dates.js';
import { decodeFeedBytes } from './decode.js';
import { FeedParseError } from './errors.js';
import { looksLikeJsonFeed, parseJsonFeed } from './json-feed.js';
import { capText, cleanScalar, cleanText, resolveLink, uniqueStrings } from './normalise.js';
import { repairStructure, sanitizeXml } from './sanitize-xml.js';
import {
  attr,
  childValues,
  firstChild,
  isElement,
  textOf,
  type XmlElement,
  type XmlValue,
} from './xml-node.js';

/** Default cap on the document size in bytes (the fetcher caps the transfer; this caps what we parse). */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export interface ParseFeedOptions {
  /** HTTP Content-Type header, for its charset (and JSON detection). */
  contentType?: string | null;
  /** URL the feed was fetched from (after redirects), to resolve relative links. */
  baseUrl?: string | null;
  /** Byte cap; larger documents fail with TOO_LARGE. */
  maxBytes?: number;
}

// --- rss-parser as the XML → object step, with the raw xml2js tree kept for normalisation.

interface RssParserInternals {
  parseString(xml: string): Promise<unknown>;
  buildAtomFeed(xmlObj: unknown): unknown;
  buildRSS0_9(xmlObj: unknown): unknown;
  buildRSS1(xmlObj: unknown): unknown;
  buildRSS2(xmlObj: unknown): unknown;
}
const RssParser = Parser as unknown as new (options?: Record<string, unknown>) => RssParserInternals;

type RootKind = 'atom' | 'rss0.9' | 'rss1' | 'rss2';

/**
 * Captures the root that rss-parser recognised. Its own builders can throw on odd but salvageable
 * structures (an Atom date it cannot parse, an `<rss>` without a channel); the raw tree is all we
 * need, so their failures are ignored here and the normaliser below reads the tree itself.
 */
class CapturingParser extends RssParser {
  captured: { kind: RootKind; root: Record<string, unknown> } | null = null;

  private capture(kind: RootKind, xmlObj: unknown): unknown {
    this.captured = { kind, root: isElement(xmlObj) ? (xmlObj as Record<string, unknown>) : {} };
    return { items: [] };
  }
  override buildAtomFeed(xmlObj: unknown) {
    return this.capture('atom', xmlObj);
  }
  override buildRSS0_9(xmlObj: unknown) {
    return this.capture('rss0.9', xmlObj);
  }
  override buildRSS1(xmlObj: unknown) {
    return this.capture('rss1', xmlObj);
  }
  override buildRSS2(xmlObj: unknown) {
    return this.capture('rss2', xmlObj);
  }
}

async function parseXmlTree(xml: string): Promise<{ kind: RootKind; root: Record<string, unknown> }> {
  // defaultRSS 2: `<rss>` without a version is read as RSS 2.0, as every reader does.
  const parser = new CapturingParser({ defaultRSS: 2 });
  try {
    await parser.parseString(xml);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/not recognized as RSS|Unable to parse XML/i.test(message)) {
      throw new FeedParseError('NOT_A_FEED', `not an RSS, Atom or JSON feed: ${rootDescription(xml)}`);
    }
    throw new FeedParseError('MALFORMED_XML', `malformed XML: ${firstLine(message)}`, { cause: err });
  }
  if (!parser.captured)
    throw new FeedParseError('NOT_A_FEED', `not an RSS, Atom or JSON feed: ${rootDescription(xml)}`);
  return parser.captured;
}

function firstLine(message: string): string {
  return message.split('\n').slice(0, 3).join(' ').slice(0, 200);
}

function rootDescription(xml: string): string {
  const root = /<([A-Za-z_][\w:.-]*)/.exec(xml.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, ''));
  return root ? `root element <${root[1]}>` : 'no root element';
}

// --- normalisation of the raw tree

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Atom content that is base64 (0.3 `mode="base64"`, or 1.0 with a non-text, non-XML media type). */
function isBase64(value: XmlValue): boolean {
  if (attr(value, 'mode') === 'base64') return true;
  const type = attr(value, 'type')?.toLowerCase().trim();
  if (!type?.includes('/')) return false;
  return !/^text\/|[/+]xml$|^application\/xhtml/.test(type);
}

function text(value: XmlValue | undefined): string | null {
  if (value === undefined) return null;
  const raw = textOf(value);
  if (raw !== null && isBase64(value) && /^[\sA-Za-z0-9+/=]*$/.test(raw)) {
    // Only accept a decoding that is real text; `type="application/x-custom"` is often plain text.
    const decoded = strictUtf8(Buffer.from(raw.replace(/\s+/g, ''), 'base64'));
    if (decoded !== null && !/[\u0000-\u0008\u000E-\u001F]/.test(decoded)) return decoded;
  }
  return raw;
}

function firstText(node: unknown, ...names: string[]): string | null {
  for (const name of names) {
    for (const value of childValues(node, name)) {
      const found = text(value);
      if (found !== null && found.trim().length > 0) return found;
    }
  }
  return null;
}

/** Atom-style `<link rel href>` list → the alternate (or first) href. */
function atomLink(node: unknown, name = 'link'): string | null {
  const links = childValues(node, name).filter(isElement);
  const withHref = links.filter((link) => attr(link, 'href'));
  const preferred =
    withHref.find(
      (l) => (attr(l, 'rel') ?? 'alternate') === 'alternate' && /html/i.test(attr(l, 'type') ?? 'html'),
    ) ??
    withHref.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ??
    withHref.find(
      (l) => !['self', 'enclosure', 'replies', 'edit', 'hub', 'license'].includes(attr(l, 'rel') ?? ''),
    );
  return preferred ? attr(preferred, 'href') : null;
}

/** An RSS `<link>` is text; some feeds put Atom links (href attributes) there instead. */
function rssLink(node: unknown): string | null {
  for (const value of childValues(node, 'link')) {
    if (typeof value === 'string' && value.trim()) return value;
    if (isElement(value)) {
      const href = attr(value, 'href');
      if (href && (attr(value, 'rel') ?? 'alternate') === 'alternate') return href;
      const inner = textOf(value);
      if (inner?.trim()) return inner;
    }
  }
  return atomLink(node, 'atom:link');
}

function baseOf(node: unknown): string | null {
  return attr(node, 'xml:base');
}

function authorOf(node: unknown): string | null {
  for (const name of ['dc:creator', 'author', 'itunes:author', 'dc:contributor', 'contributor']) {
    for (const value of childValues(node, name)) {
      if (isElement(value) && (value.name || value.email)) {
        const person = firstText(value, 'name') ?? firstText(value, 'email');
        if (person?.trim()) return cleanScalar(cleanText(person));
        continue;
      }
      const found = cleanText(text(value));
      if (found) return found;
    }
  }
  return null;
}

function categoriesOf(node: unknown): string[] {
  const values: Array<string | null> = [];
  for (const value of [...childValues(node, 'category'), ...childValues(node, 'dc:subject')]) {
    if (isElement(value) && (attr(value, 'term') !== null || attr(value, 'label') !== null) && !value._) {
      values.push(attr(value, 'term') ?? attr(value, 'label'));
    } else {
      values.push(text(value));
    }
  }
  return uniqueStrings(values);
}

const DATE_FIELDS = [
  'pubDate',
  'dc:date',
  'published',
  'issued',
  'dcterms:issued',
  'dcterms:created',
  'created',
  'updated',
  'modified',
  'dcterms:modified',
  'lastBuildDate',
];

function publishedOf(node: unknown): string | null {
  for (const name of DATE_FIELDS) {
    for (const value of childValues(node, name)) {
      const parsed = parseFeedDate(text(value));
      if (parsed) return parsed;
    }
  }
  return null;
}

const SUMMARY_FIELDS = [
  'description',
  'summary',
  'atom:summary',
  'dc:description',
  'itunes:summary',
  'content:encoded',
  'content',
  'atom:content',
  'xhtml:body',
  'body',
];

function summaryOf(node: unknown): string | null {
  for (const name of SUMMARY_FIELDS) {
    for (const value of childValues(node, name)) {
      const found = cleanText(text(value));
      if (found) return capText(found);
    }
  }
  return null;
}

function guidOf(node: unknown, kind: RootKind): string | null {
  const guid = firstChild(node, 'guid', 'id', 'atom:id', 'dc:identifier');
  const value = cleanScalar(text(guid));
  if (value) return value;
  return kind === 'rss1' || kind === 'rss0.9' ? cleanScalar(attr(node, 'rdf:about')) : null;
}

/** RSS items without `<link>` use a permalink GUID, as feedparser and browsers do. */
function permalinkGuid(node: unknown): string | null {
  const guid = firstChild(node, 'guid');
  if (guid === undefined) return null;
  if ((attr(guid, 'isPermaLink') ?? 'true').trim().toLowerCase() === 'false') return null;
  const value = text(guid)?.trim() ?? '';
  return /^https?:\/\//i.test(value) ? value : null;
}

function itemFrom(node: unknown, kind: RootKind, bases: Array<string | null>): ParsedItem {
  const itemBase = resolveLink(baseOf(node), ...bases) ?? null;
  const allBases = [itemBase, ...bases];
  const rawLink =
    kind === 'atom' ? atomLink(node) : (rssLink(node) ?? permalinkGuid(node) ?? attr(node, 'rdf:about'));
  return {
    guid: guidOf(node, kind),
    title: cleanText(firstText(node, 'title', 'dc:title', 'atom:title')),
    link: resolveLink(rawLink, ...allBases),
    summary: summaryOf(node),
    published: publishedOf(node),
    author: authorOf(node),
    categories: categoriesOf(node),
  };
}

function asElement(value: unknown): XmlElement | undefined {
  if (Array.isArray(value)) return asElement(value[0]);
  return isElement(value) ? value : undefined;
}

function normaliseTree(
  tree: { kind: RootKind; root: Record<string, unknown> },
  baseUrl: string | null,
): ParsedFeed {
  const { kind, root } = tree;
  if (kind === 'atom') {
    const feed = asElement(root.feed) ?? {};
    const version = attr(feed, 'version');
    const xmlns = attr(feed, 'xmlns') ?? '';
    const format: FeedFormat =
      version?.startsWith('0.') || /purl\.org\/atom\/ns#/.test(xmlns) ? 'atom0.3' : 'atom1';
    const feedBase = resolveLink(baseOf(feed), baseUrl);
    const feedLink = resolveLink(atomLink(feed), feedBase, baseUrl);
    const bases = [feedBase, baseUrl, feedLink];
    return {
      format,
      feed: {
        title: cleanText(firstText(feed, 'title')),
        link: feedLink,
        description: capText(cleanText(firstText(feed, 'subtitle', 'tagline', 'info', 'description'))),
      },
      items: childValues(feed, 'entry').map((entry) => itemFrom(entry, kind, bases)),
    };
  }
  const rdf = kind === 'rss1';
  const container = rdf ? asElement(root['rdf:RDF']) : asElement(root.rss);
  const channel = asElement(container?.channel) ?? {};
  const format: FeedFormat =
    rdf && /my\.netscape\.com\/rdf\/simple\/0\.9/.test(attr(container, 'xmlns') ?? '') ? 'rss0.9' : kind;
  const itemNodes = [...childValues(channel, 'item'), ...childValues(container, 'item')];
  const channelBase = resolveLink(baseOf(channel) ?? baseOf(container), baseUrl);
  const feedLink = resolveLink(rssLink(channel), channelBase, baseUrl);
  const bases = [channelBase, baseUrl, feedLink];
  return {
    format,
    feed: {
      title: cleanText(firstText(channel, 'title', 'dc:title')),
      link: feedLink,
      description: capText(cleanText(firstText(channel, 'description', 'dc:description', 'subtitle'))),
    },
    items: itemNodes.map((item) => itemFrom(item, kind, bases)),
  };
}

/**
 * Parses feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) into normalised items. Throws
 * FeedParseError only; never expands entities or fetches anything.
 */
export async function parseFeed(bytes: Uint8Array, options: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(bytes instanceof Uint8Array)) throw new FeedParseError('EMPTY', 'feed body is not a byte array');
  if (bytes.length > maxBytes) {
    throw new FeedParseError('TOO_LARGE', `feed is ${bytes.length} bytes, over the ${maxBytes}-byte cap`);
  }
  try {
    const { text } = decodeFeedBytes(bytes, options.contentType ?? null);
    if (text.trim().length === 0) throw new FeedParseError('EMPTY', 'feed body is empty');
    const baseUrl = resolveLink(options.baseUrl ?? null);
    if (looksLikeJsonFeed(text, options.contentType ?? null)) return parseJsonFeed(text, baseUrl);
    const xml = sanitizeXml(text);
    if (!xml.startsWith('<'))
      throw new FeedParseError('NOT_A_FEED', 'not an RSS, Atom or JSON feed: no markup found');
    const tree = await parseXmlTree(xml).catch(async (err: unknown) => {
      // Real feeds are truncated, mis-nested or sloppy with attributes: repair once, then retry.
      if (!(err instanceof FeedParseError) || err.code !== 'MALFORMED_XML') throw err;
      return parseXmlTree(repairStructure(xml)).catch(() => Promise.reject(err));
    });
    return normaliseTree(tree, baseUrl);
  } catch (err) {
    if (err instanceof FeedParseError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new FeedParseError('MALFORMED_XML', `feed could not be read: ${firstLine(message)}`, {
      cause: err,
    });
  }
}
