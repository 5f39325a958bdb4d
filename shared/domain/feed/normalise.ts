/** Field-level normalisation shared by the XML and JSON paths: text, links, dates, categories. */
import { repairMojibake } from './decode.js';
import { htmlToText } from './html-to-text.js';

/** Longest summary kept; enough for classification and display, bounded for storage. */
export const SUMMARY_MAX_CHARS = 2000;

/** Markup or text → trimmed plain text with mojibake repaired, or null when nothing is left. */
export function cleanText(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const text = htmlToText(repairMojibake(value));
  return text.length > 0 ? text : null;
}

/** Plain text for identifiers and names: whitespace collapsed, no markup interpretation. */
export function cleanScalar(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const text = repairMojibake(value)
    .replace(/[\u0000-\u001F\u007F]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 0 ? text : null;
}

/** Cuts plain text at a word boundary so stored summaries stay bounded. */
export function capText(text: string | null, max = SUMMARY_MAX_CHARS): string | null {
  if (text === null || text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Resolves a link against the given bases; only absolute http(s) URLs are returned. */
export function resolveLink(
  href: string | null | undefined,
  ...bases: Array<string | null | undefined>
): string | null {
  if (typeof href !== 'string') return null;
  // Feeds wrap links in whitespace and sometimes leave entity-escaped ampersands in them.
  const raw = href.trim().replace(/&amp;/g, '&').replace(/\s+/g, '%20');
  if (!raw) return null;
  const candidates = [undefined, ...bases.filter((b): b is string => typeof b === 'string' && b.length > 0)];
  for (const base of candidates) {
    try {
      const url = base === undefined ? new URL(raw) : new URL(raw, base);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
      if (base === undefined && url.protocol) return null;
    } catch {
      // Not absolute (or base unusable): try the next base.
    }
  }
  return null;
}

/** Trims, drops empties and duplicates, keeps first-seen order. */
export function uniqueStrings(values: Array<string | null | undefined>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const text = cleanText(value ?? null);
    if (text === null || seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}
