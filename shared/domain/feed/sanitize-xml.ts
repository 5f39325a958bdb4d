/**
 * Decoded feed text → XML a strict parser accepts, without ever expanding an entity: the DOCTYPE
 * (and so every entity declaration, internal or external) is removed, HTML named entities become
 * numeric references, bare `&` is escaped, and broken prologues are repaired.
 */
import { decodeHTMLStrict } from 'entities';

// Characters XML 1.0 forbids; strict parsers abort on them.
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Rewrites one `&…` occurrence: keeps valid XML references, numbers HTML names, escapes the rest. */
function rewriteReference(ref: string): string {
  const numeric = /^&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));$/.exec(ref);
  if (numeric) {
    const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    // Windows-1252 numbers (&#146;) are what the publisher meant; browsers read them that way too.
    if (code >= 0x80 && code <= 0x9f) {
      const mapped = Buffer.from([code]).toString('latin1');
      const cp1252 = new TextDecoder('windows-1252').decode(Uint8Array.of(code));
      return cp1252 !== mapped ? `&#${cp1252.codePointAt(0)};` : '';
    }
    return isXmlChar(code) ? ref : '';
  }
  const named = /^&([A-Za-z][A-Za-z0-9]*);$/.exec(ref);
  if (named?.[1]) {
    if (XML_PREDEFINED.has(named[1])) return ref;
    const decoded = decodeHTMLStrict(ref);
    if (decoded !== ref) {
      return Array.from(decoded)
        .map((ch) => `&#${ch.codePointAt(0)};`)
        .join('');
    }
  }
  return `&amp;${ref.slice(1)}`;
}

const REFERENCE = /&(?:#x[0-9a-fA-F]{1,6};|#[0-9]{1,7};|[A-Za-z][A-Za-z0-9]{0,31};)?/g;

/** Fixes references in markup text, leaving CDATA sections and comments untouched. Linear time. */
export function fixReferences(xml: string): string {
  let out = '';
  let pos = 0;
  // Next-occurrence positions are cached so many comments without CDATA (or vice versa) stay linear.
  let cdata = -2;
  let comment = -2;
  while (pos < xml.length) {
    if (cdata !== -1 && cdata < pos) cdata = xml.indexOf('<![CDATA[', pos);
    if (comment !== -1 && comment < pos) comment = xml.indexOf('<!--', pos);
    const next = cdata < 0 ? comment : comment < 0 ? cdata : Math.min(cdata, comment);
    const end = next < 0 ? xml.length : next;
    out += xml.slice(pos, end).replace(REFERENCE, rewriteReference);
    if (next < 0) break;
    const closer = next === cdata ? ']]>' : '-->';
    const close = xml.indexOf(closer, next + 4);
    if (close < 0) {
      // An unterminated section would swallow the rest; close it so the parser can report sensibly.
      out += `${xml.slice(next)}${closer}`;
      break;
    }
    out += xml.slice(next, close + closer.length);
    pos = close + closer.length;
  }
  return out;
}

/** Removes `<!DOCTYPE …>` including an internal subset `[…]`, scanning quotes and brackets. */
export function removeDoctype(xml: string): string {
  let out = xml;
  for (let guard = 0; guard < 4; guard++) {
    const match = /<!DOCTYPE/i.exec(out);
    if (!match) return out;
    let depth = 0;
    let quote: string | null = null;
    let i = match.index + match[0].length;
    for (; i < out.length; i++) {
      const ch = out[i];
      if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '[') depth++;
      else if (ch === ']') depth = Math.max(0, depth - 1);
      else if (ch === '>' && depth === 0) break;
    }
    out = out.slice(0, match.index) + out.slice(i + 1);
  }
  return out;
}

// Text-bearing elements whose inline (X)HTML children must keep their order: the XML→object step
// would otherwise split text and child elements apart and lose the interleaving.
const TEXT_ELEMENTS =
  'title|subtitle|summary|content|rights|tagline|info|copyright|description|content:encoded|dc:title|dc:description|atom:title|atom:summary|atom:content|itunes:summary';
const TEXT_OPEN = new RegExp(`<!\\[CDATA\\[|<!--|<(${TEXT_ELEMENTS})((?:\\s[^>]*)?)>`, 'g');

/**
 * Wraps the inner markup of text-bearing elements that contain child elements in a CDATA section,
 * so `<title>EU adopts <b>18th</b> package</title>` reaches the normaliser as one HTML string.
 */
export function wrapInlineMarkup(xml: string): string {
  let out = '';
  let pos = 0;
  const unclosed = new Set<string>();
  TEXT_OPEN.lastIndex = 0;
  for (let match = TEXT_OPEN.exec(xml); match; match = TEXT_OPEN.exec(xml)) {
    const name = match[1];
    if (name === undefined) {
      const closer = match[0] === '<!--' ? '-->' : ']]>';
      const end = xml.indexOf(closer, TEXT_OPEN.lastIndex);
      if (end < 0) break;
      TEXT_OPEN.lastIndex = end + closer.length;
      continue;
    }
    if (match[0].endsWith('/>')) continue;
    const innerStart = TEXT_OPEN.lastIndex;
    if (unclosed.has(name)) continue;
    const close = xml.indexOf(`</${name}>`, innerStart);
    if (close < 0) {
      // No later end tag either: remember, so repeated open tags do not rescan the document.
      unclosed.add(name);
      continue;
    }
    const inner = xml.slice(innerStart, close);
    const withoutCdata = inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
    if (/<[A-Za-z]/.test(withoutCdata)) {
      const flat = inner.replace(/<!\[CDATA\[|\]\]>/g, '');
      out += `${xml.slice(pos, innerStart)}<![CDATA[${flat}]]>`;
      pos = close;
    }
    TEXT_OPEN.lastIndex = close + name.length + 3;
  }
  return out + xml.slice(pos);
}

/**
 * Removes a DOCTYPE from the prologue only (after comments and PIs, before the root element), so a
 * literal `<!DOCTYPE` inside CDATA text is left alone.
 */
export function removePrologDoctype(xml: string): string {
  let pos = 0;
  for (;;) {
    while (pos < xml.length && /\s/.test(xml[pos] ?? '')) pos++;
    if (xml.startsWith('<!--', pos) || xml.startsWith('<?', pos)) {
      const closer = xml.startsWith('<!--', pos) ? '-->' : '?>';
      const end = xml.indexOf(closer, pos + 2);
      if (end < 0) return xml;
      pos = end + closer.length;
      continue;
    }
    if (/^<!DOCTYPE/i.test(xml.slice(pos, pos + 9))) {
      return xml.slice(0, pos) + removeDoctype(xml.slice(pos));
    }
    return xml;
  }
}

// Namespaces whose elements mean plain RSS; some feeds bind them to a prefix (`<r:rss>`, `<rss:item>`).
const RSS_NAMESPACES =
  /^(?:http:\/\/purl\.org\/rss\/1\.0\/?|http:\/\/backend\.userland\.com\/rss2?\/?|http:\/\/my\.netscape\.com\/rdf\/simple\/0\.9\/?)$/;
const ATOM_NAMESPACE = /^http:\/\/(?:www\.w3\.org\/2005\/Atom|purl\.org\/atom\/ns#)$/;

/**
 * Drops the prefix of elements in an RSS namespace (and of Atom elements when the root itself is
 * prefixed), so `<r:rss><r:channel>` reads like `<rss><channel>`. `atom:link` inside RSS keeps its prefix.
 */
export function unprefixFeedElements(xml: string): string {
  const root = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\b([^>]*)>/.exec(
    xml.replace(/^(?:\s*(?:<!--[\s\S]*?-->|<\?[\s\S]*?\?>))*/, ''),
  );
  if (!root) return xml;
  const prefixes: string[] = [];
  const declarations = root[3] ?? '';
  for (const m of declarations.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
    const [, prefix = '', uri = ''] = m;
    if (RSS_NAMESPACES.test(uri.trim()) || (ATOM_NAMESPACE.test(uri.trim()) && root[1] === `${prefix}:`)) {
      prefixes.push(prefix);
    }
  }
  if (prefixes.length === 0) return xml;
  const pattern = new RegExp(`<(/?)(?:${prefixes.map((p) => p.replace(/[.]/g, '\\.')).join('|')}):`, 'g');
  return xml.replace(pattern, '<$1');
}

/** Turns decoded feed text into well-formed-enough XML for a strict, non-expanding parser. */
export function sanitizeXml(text: string): string {
  let xml = text.replace(/^\uFEFF/, '');
  // Strict parsers reject anything (whitespace, stray bytes, PHP notices) before the first tag.
  const start = xml.indexOf('<');
  if (start > 0) xml = xml.slice(start);
  // `<?phpxml version=…?>` and other mangled or misplaced declarations: drop them, a JS string needs none.
  xml = xml.replace(/^<\?[a-z]*xml\b[^>]*>/i, '');
  xml = xml.replace(INVALID_XML_CHARS, '');
  xml = removePrologDoctype(xml);
  xml = unprefixFeedElements(xml);
  // Any remaining XML declaration or stray PI-like `<?xml` after leading comments is illegal there.
  xml = xml.replace(/<\?xml\b[^>]*\?>/gi, '');
  return wrapInlineMarkup(fixReferences(xml)).trimStart();
}

const NAME = /^[A-Za-z_][\w:.-]*$/;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
const TAG_PARTS = /^<(\/?)([A-Za-z_][\w:.-]*)([\s\S]*?)(\/?)>$/;
/** Longest tag considered; a longer run without `>` is text with a stray `<`. */
const MAX_TAG_CHARS = 16384;

/** Index of the `>` closing the tag at `lt` (quotes respected), or -1 when it is not a tag. */
function tagEnd(xml: string, lt: number): number {
  let quote: string | null = null;
  const limit = Math.min(xml.length, lt + MAX_TAG_CHARS);
  for (let i = lt + 1; i < limit; i++) {
    const ch = xml[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
    else if (ch === '<') return -1;
  }
  return -1;
}

function escapeAttribute(value: string): string {
  return value.replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** Rebuilds a start tag's attributes as well-formed, unique, quoted pairs. */
function repairAttributes(raw: string): string {
  const seen = new Set<string>();
  let out = '';
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(raw); m; m = ATTRIBUTE.exec(raw)) {
    const name = m[1] ?? '';
    if (!NAME.test(name) || seen.has(name)) continue;
    seen.add(name);
    out += ` ${name}="${escapeAttribute(m[2] ?? m[3] ?? m[4] ?? name)}"`;
  }
  return out;
}

/**
 * Second-chance repair for documents a strict parser rejected: escapes stray `<`, quotes attributes,
 * drops duplicate attributes and stray end tags, closes elements left open (mis-nested or
 * truncated feeds). One linear pass with an element stack.
 */
export function repairStructure(xml: string): string {
  let out = '';
  const stack: string[] = [];
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) {
      out += xml.slice(pos);
      break;
    }
    out += xml.slice(pos, lt);
    const section = xml.startsWith('<![CDATA[', lt)
      ? ']]>'
      : xml.startsWith('<!--', lt)
        ? '-->'
        : xml.startsWith('<?', lt)
          ? '?>'
          : null;
    if (section) {
      const end = xml.indexOf(section, lt + 2);
      const stop = end < 0 ? xml.length : end + section.length;
      out += xml.slice(lt, stop) + (end < 0 ? section : '');
      pos = stop;
      continue;
    }
    if (xml.startsWith('<!', lt)) {
      // Declarations are gone by now; anything else `<!…>` is junk.
      const end = xml.indexOf('>', lt);
      pos = end < 0 ? xml.length : end + 1;
      continue;
    }
    const end = /[A-Za-z_/]/.test(xml[lt + 1] ?? '') ? tagEnd(xml, lt) : -1;
    const tag = end < 0 ? null : TAG_PARTS.exec(xml.slice(lt, end + 1));
    if (!tag) {
      out += '&lt;';
      pos = lt + 1;
      continue;
    }
    const [, slash, name = '', attrs = '', selfClosing] = tag;
    pos = end + 1;
    if (slash) {
      const open = stack.lastIndexOf(name);
      if (open < 0) continue;
      while (stack.length > open) out += `</${stack.pop()}>`;
      continue;
    }
    out += `<${name}${repairAttributes(attrs)}${selfClosing ? '/' : ''}>`;
    if (!selfClosing) stack.push(name);
  }
  while (stack.length > 0) out += `</${stack.pop()}>`;
  return out;
}
