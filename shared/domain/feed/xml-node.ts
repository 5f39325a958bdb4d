/** Read helpers over the xml2js object model that rss-parser produces (arrays of string | object). */

export type XmlValue = string | XmlElement;
export interface XmlElement {
  _?: string;
  $?: Record<string, string>;
  [child: string]: XmlValue[] | string | Record<string, string> | undefined;
}

/** True for an element object (not a text-only value). */
export function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function localName(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(colon + 1);
}

/**
 * Child values by name. `dc:date` matches that key exactly, or any prefix with local name `date`
 * (feeds bind namespaces to arbitrary prefixes); a bare name matches only unprefixed keys.
 */
export function childValues(node: unknown, name: string): XmlValue[] {
  if (!isElement(node)) return [];
  const exact = node[name];
  if (Array.isArray(exact)) return exact;
  if (!name.includes(':')) return [];
  const wanted = localName(name);
  for (const [key, value] of Object.entries(node)) {
    if (
      key !== '$' &&
      key !== '_' &&
      key.includes(':') &&
      localName(key) === wanted &&
      Array.isArray(value)
    ) {
      return value;
    }
  }
  return [];
}

/** First child value among the names, in priority order. */
export function firstChild(node: unknown, ...names: string[]): XmlValue | undefined {
  for (const name of names) {
    const values = childValues(node, name);
    if (values.length > 0) return values[0];
  }
  return undefined;
}

/** Attribute value, or null. */
export function attr(value: unknown, name: string): string | null {
  if (!isElement(value) || !value.$) return null;
  const found = value.$[name];
  return typeof found === 'string' ? found : null;
}

// Never readable text; inline XHTML in Atom content may carry them.
const SKIPPED = /^(?:[a-z0-9]+:)?(?:script|style|noscript|template|iframe|object|embed)$/i;

/**
 * Text of a value: its own text, then the text of nested elements (HTML left unescaped inside a
 * description arrives as elements). xml2js loses the interleaving order, which is fine for search.
 */
export function textOf(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value;
  if (!isElement(value) || depth > 20) return null;
  const parts: string[] = [];
  if (typeof value._ === 'string') parts.push(value._);
  for (const [key, child] of Object.entries(value)) {
    if (key === '$' || key === '_' || !Array.isArray(child) || SKIPPED.test(key)) continue;
    for (const item of child) {
      const text = textOf(item, depth + 1);
      if (text) parts.push(text);
    }
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
