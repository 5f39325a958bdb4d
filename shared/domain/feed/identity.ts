/** Item identity: GUID (unless unstable) → canonical link → content hash; keys are stable and key-safe. */
import { createHash } from 'node:crypto';
import type { ParsedItem } from '../types.js';

// Parameters that identify a click, a campaign or a share, never the article.
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  'ocid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'cmpid',
  'cmp',
  'ito',
  'smid',
  'smtyp',
  'xtor',
  'ns_mchannel',
  'ns_source',
  'ns_campaign',
  'ns_linkname',
  'ns_fee',
  'at_medium',
  'at_campaign',
  'at_custom1',
  'at_custom2',
  'at_custom3',
  'at_custom4',
  'wt.mc_id',
  'wt.mc_ev',
  'ref_src',
  'src',
  'feedtype',
  'rss',
  'ncid',
  'spm',
  'guccounter',
  'guce_referrer',
  'guce_referrer_sig',
  '__twitter_impression',
  's_cid',
  'sr_share',
  'soc_src',
  'soc_trk',
  'amp',
  'outputtype',
]);

function isTracking(name: string, value: string): boolean {
  const key = name.toLowerCase();
  if (key.startsWith('utm_') || key.startsWith('pk_') || key.startsWith('mtm_')) return true;
  if (key === 'outputtype') return value.toLowerCase() === 'amp';
  return TRACKING_PARAMS.has(key);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Canonical form of an article URL for identity: scheme/host lower-cased, default port, fragment,
 * tracking parameters and AMP variants dropped, remaining parameters sorted; path case kept.
 */
export function canonicalLink(url: string | null): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  if (parsed.hostname.startsWith('amp.')) parsed.hostname = parsed.hostname.slice(4);
  parsed.pathname =
    parsed.pathname
      .replace(/\/amp\/?$/i, '')
      .replace(/\.amp(\.html?)?$/i, (_m, ext: string | undefined) => ext ?? '') || '/';
  const kept = [...parsed.searchParams.entries()]
    .filter(([name, value]) => !isTracking(name, value))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  parsed.search = '';
  for (const [name, value] of kept) parsed.searchParams.append(name, value);
  // `new URL` already lower-cased scheme and host and dropped default ports.
  return parsed.href;
}

function normaliseForHash(value: string | null): string {
  return (value ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** SHA-256 (32 hex chars) of normalised title, summary and canonical link; changes when the text does. */
export function contentHash(item: Pick<ParsedItem, 'title' | 'summary' | 'link'>): string {
  const parts = [
    normaliseForHash(item.title),
    normaliseForHash(item.summary),
    canonicalLink(item.link) ?? '',
  ];
  return sha256(parts.join('\u0000')).slice(0, 32);
}

/** True when a GUID repeats within one fetch, so GUIDs cannot identify this feed's items. */
export function unstableGuidsIn(items: ParsedItem[]): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    if (item.guid === null) continue;
    if (seen.has(item.guid)) return true;
    seen.add(item.guid);
  }
  return false;
}

/**
 * Stable store key of an item: `g:` + hash of (feedId, GUID), else `l:` + hash of the canonical link,
 * else `c:` + content hash. Fixed length, ASCII only.
 */
export function itemKeyFor(item: ParsedItem, feedId: string, unstableGuids = false): string {
  if (!unstableGuids && item.guid !== null && item.guid.trim() !== '') {
    return `g:${sha256(`${feedId}\u0000${item.guid.trim()}`).slice(0, 32)}`;
  }
  const link = canonicalLink(item.link);
  if (link !== null) return `l:${sha256(link).slice(0, 32)}`;
  return `c:${contentHash(item)}`;
}
