/**
 * Story identity: the key that makes one story syndicated by several feeds produce one alert.
 *
 * v2: near-duplicate detection. Each item gets a MinHash signature over the folded, stopword-free,
 * lightly stemmed words of its title and the start of its summary. Signatures are cut into bands; an
 * item finds candidate stories through its band keys (a store lookup), and a candidate is the same
 * story only when the Jaccard similarity of the features, the numbers and names in the titles and the
 * publication times all agree (`compareStories`). Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';

const MIN_TITLE_TOKENS = 5;

/** MinHash layout: BANDS × ROWS hashes. 12 × 3 finds pairs with Jaccard 0.5 at 80 %, 0.6 at 95 %. */
export const STORY_SIGNATURE = { hashes: 36, bands: 12, rows: 3 } as const;

/** Words of the summary that count; later words are mostly boilerplate or differ between outlets. */
export const SUMMARY_WORDS = 40;

/** Verification thresholds, calibrated on the pairs in test/unit/shared/domain/story-dedup.test.ts. */
export const STORY_MATCH = {
  /** Estimated Jaccard at or above which two items may be one story. */
  minJaccard: 0.45,
  /** Two items published further apart than this are two stories, however similar. */
  maxAgeMs: 7 * 86400_000,
  /** Items with fewer distinct features than this are too short to compare; they form their own story. */
  minFeatures: 3,
} as const;

// Function words that carry no story identity (English, plus the commonest of the pipeline's other languages).
const STOPWORDS = new Set(
  (
    'a an the and or but nor of to in on at by for from with without into onto over under about after ' +
    'before as is are was were be been being has have had do does did will would shall should can could ' +
    'may might must it its this that these those there their they them he she his her we our you your ' +
    'i me my not no than then so such also just more most new says said say up out off via amid vs ' +
    'who what when where which why how all any some over against per while if because ' +
    'der die das und von zu mit den dem des ein eine le la les et des du un une de en el los las y w z na ' +
    'i o do że się oraz'
  ).split(' '),
);

/** Folds case, accents and punctuation so syndicated copies of a title compare equal. */
export function normaliseTitle(title: string): string[] {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Story key of the v1 scheme (a hash of the normalised title); kept for items stored before v2. */
export function storyKeyFor(item: { title: string | null }, itemKey: string): string {
  const tokens = item.title ? normaliseTitle(item.title) : [];
  if (tokens.length < MIN_TITLE_TOKENS) return itemKey;
  return `t-${createHash('sha256').update(tokens.join(' ')).digest('hex').slice(0, 32)}`;
}

// " - Reuters", " | BBC News", " — The Moscow Times": an outlet name appended by aggregators.
const SOURCE_SUFFIX = /\s+[-–—|]\s+[^-–—|]{1,40}$/u;

/** The title without a trailing " - Outlet" suffix of at most four words. */
export function stripSourceSuffix(title: string): string {
  const match = SOURCE_SUFFIX.exec(title);
  if (!match || match.index === 0) return title;
  const words = match[0]
    .replace(/^\s+[-–—|]\s+/u, '')
    .trim()
    .split(/\s+/u);
  return words.length <= 4 ? title.slice(0, match.index) : title;
}

/** Very light English stemming, so "adopts", "adopted" and "adopt" share a feature. */
function stem(token: string): string {
  if (!/^\p{L}+$/u.test(token) || token.length < 4) return token;
  let t = token;
  if (t.endsWith('ies') && t.length > 4) t = `${t.slice(0, -3)}y`;
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) t = t.slice(0, -1);
  if (t.endsWith('ing') && t.length >= 6) t = t.slice(0, -3);
  else if (t.endsWith('ed') && t.length >= 5) t = t.slice(0, -2);
  if (t.length >= 4 && t.at(-1) === t.at(-2) && !/[aeiou]/.test(t.at(-1) ?? '')) t = t.slice(0, -1);
  if (t.endsWith('e') && t.length >= 4) t = t.slice(0, -1);
  return t;
}

/** Features of an item for MinHash: stemmed, stopword-free words of the title and the start of the summary. */
export function storyFeatures(item: { title: string | null; summary: string | null }): string[] {
  const title = item.title ? normaliseTitle(stripSourceSuffix(item.title)) : [];
  const summary = item.summary ? normaliseTitle(item.summary).slice(0, SUMMARY_WORDS) : [];
  const features = new Set<string>();
  for (const token of [...title, ...summary]) {
    if (isNoise(token)) continue;
    features.add(stem(token));
  }
  return [...features].sort();
}

// Stopwords and stray letters ("EU’s" splits into "eu" and "s").
function isNoise(token: string): boolean {
  return STOPWORDS.has(token) || (token.length === 1 && /\p{L}/u.test(token));
}

/**
 * Names in a title, as features: words capitalised mid-sentence and all-caps words ("Sberbank", "VTB",
 * "EU"). In a Title Case headline capitals say nothing, so only all-caps words count there.
 */
export function titleNames(title: string | null): string[] {
  if (!title) return [];
  const words = stripSourceSuffix(title)
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const isCapitalised = (w: string) => /^\p{Lu}/u.test(w);
  const isAllCaps = (w: string) =>
    /^[\p{Lu}\p{N}]+$/u.test(w) && /\p{Lu}.*\p{Lu}|\p{Lu}\p{N}|\p{N}\p{Lu}/u.test(w);
  const content = words.filter((w) => w.length >= 4 && !STOPWORDS.has(w.toLowerCase()));
  const titleCase = content.length >= 3 && content.filter(isCapitalised).length / content.length >= 0.8;
  const names = new Set<string>();
  words.forEach((word, i) => {
    const name = isAllCaps(word) || (!titleCase && i > 0 && isCapitalised(word));
    if (!name) return;
    for (const token of normaliseTitle(word)) if (!isNoise(token)) names.add(stem(token));
  });
  return [...names].sort();
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

/**
 * Numbers and ordinals of a title, as sorted decimal strings: "19th" and "nineteenth" give "19",
 * "1,000" gives "1000", "$50bn" gives "50". The outlet suffix is ignored.
 */
export function titleNumbers(title: string | null): string[] {
  if (!title) return [];
  const text = stripSourceSuffix(title)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}\b)/g, '$1');
  const numbers = new Set<string>();
  for (const match of text.matchAll(/\d+(?:\.\d+)?/g)) numbers.add(String(Number(match[0])));
  for (const word of text.split(/[^\p{L}]+/u)) {
    const value = ORDINAL_WORDS[word];
    if (value !== undefined) numbers.add(String(value));
  }
  return [...numbers].sort();
}

/** 32-bit FNV-1a of a string's UTF-16 code units: a fast, seedless base hash of one feature. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads a seeded base hash into an independent-looking 32-bit value. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Fixed seeds: signatures must be identical across processes, versions and machines.
const SEEDS = Array.from({ length: STORY_SIGNATURE.hashes }, (_, i) => fmix32(0x9e3779b9 * (i + 1)));

/** MinHash signature (36 unsigned 32-bit values) of a feature set; null for an empty set. */
export function minhashSignature(features: readonly string[]): number[] | null {
  if (features.length === 0) return null;
  const signature = new Array<number>(STORY_SIGNATURE.hashes).fill(0xffffffff);
  for (const feature of features) {
    const base = fnv1a(feature);
    for (let i = 0; i < STORY_SIGNATURE.hashes; i++) {
      const h = fmix32(base ^ (SEEDS[i] as number));
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return signature;
}

/** The LSH band keys of a signature, `<band>#<hash of its rows>`; equal keys mean equal bands. */
export function bandKeys(signature: readonly number[]): string[] {
  const keys: string[] = [];
  for (let band = 0; band < STORY_SIGNATURE.bands; band++) {
    const rows = signature.slice(band * STORY_SIGNATURE.rows, (band + 1) * STORY_SIGNATURE.rows);
    const digest = createHash('sha256').update(rows.join(',')).digest('hex').slice(0, 20);
    keys.push(`${band}#${digest}`);
  }
  return keys;
}

/** Fraction of equal positions of two signatures: an unbiased estimate of the Jaccard similarity. */
export function estimatedJaccard(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** What near-duplicate detection needs to know about one item, or about the first item of a story. */
export interface StoryFingerprint {
  /** MinHash of `features`: finds candidates through band keys. */
  signature: number[];
  /** Sorted features (storyFeatures), for the exact Jaccard similarity of a candidate. */
  features: string[];
  titleNumbers: string[];
  /** Sorted names of the title (titleNames). */
  titleNames: string[];
  /** ISO time the item was published (or fetched, when the feed gives no date). */
  published: string;
}

/** Fingerprint of an item, or null when its text is too short to compare with anything. */
export function storyFingerprint(
  item: { title: string | null; summary: string | null },
  published: string,
): StoryFingerprint | null {
  const features = storyFeatures(item);
  if (features.length < STORY_MATCH.minFeatures) return null;
  const signature = minhashSignature(features);
  if (!signature) return null;
  return {
    signature,
    features,
    titleNumbers: titleNumbers(item.title),
    titleNames: titleNames(item.title),
    published,
  };
}

/**
 * True when one set of title numbers contains the other: "19th package" and "20th package" differ,
 * while "19th package" and "19th package hits 118 tankers" are compatible (an extended title).
 */
export function numbersCompatible(a: readonly string[], b: readonly string[]): boolean {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const set = new Set(large);
  return small.every((n) => set.has(n));
}

/**
 * True when each title names something the other item never mentions ("US sanctions Sberbank" and
 * "US sanctions VTB"): the same template about different targets. An extended title names more,
 * but only on one side, and a reworded one names the same things.
 */
export function namesSubstituted(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const inA = new Set(a.features);
  const inB = new Set(b.features);
  return a.titleNames.some((n) => !inB.has(n)) && b.titleNames.some((n) => !inA.has(n));
}

/** Exact Jaccard similarity of two sorted feature lists. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const set = new Set(a);
  let shared = 0;
  for (const f of new Set(b)) if (set.has(f)) shared++;
  return shared / (set.size + new Set(b).size - shared);
}

/** The verdict on a candidate story: same story, or which test failed. */
export type StoryVerdict =
  | { same: true; similarity: number }
  | { same: false; reason: 'text' | 'numbers' | 'names' | 'time'; similarity: number };

/**
 * Decides whether two fingerprints report the same story: similar text (exact Jaccard of the
 * features, which the stored story keeps, so the MinHash estimate only serves to find candidates),
 * compatible title numbers, no substituted names, and published within `maxAgeMs`. Symmetric.
 */
export function compareStories(
  a: StoryFingerprint,
  b: StoryFingerprint,
  match: { minJaccard: number; maxAgeMs: number } = STORY_MATCH,
): StoryVerdict {
  const similarity = jaccard(a.features, b.features);
  if (similarity < match.minJaccard) return { same: false, reason: 'text', similarity };
  if (!numbersCompatible(a.titleNumbers, b.titleNumbers))
    return { same: false, reason: 'numbers', similarity };
  if (namesSubstituted(a, b)) return { same: false, reason: 'names', similarity };
  const gap = Math.abs(Date.parse(a.published) - Date.parse(b.published));
  if (!(gap <= match.maxAgeMs)) return { same: false, reason: 'time', similarity };
  return { same: true, similarity };
}

/** True when `compareStories` finds the two fingerprints to be one story. */
export function isSameStory(a: StoryFingerprint, b: StoryFingerprint): boolean {
  return compareStories(a, b).same;
}

/** Most sources a story record lists, so it stays far below DynamoDB's 400 KB item limit. */
export const STORY_SOURCES_MAX = 100;

/**
 * Key of a new story whose title is distinctive (≥ 5 words): the v1 title hash, outlet suffix
 * stripped, so copies with one title share a key whatever order they arrive in. Null otherwise.
 */
export function titleStoryKey(title: string | null): string | null {
  if (!title) return null;
  const key = storyKeyFor({ title: stripSourceSuffix(title) }, '');
  return key === '' ? null : key;
}

/** Key of a new story started by an item: stable for the item, so a re-run after a crash reuses it. */
export function newStoryKey(itemKey: string): string {
  return `s-${createHash('sha256').update(itemKey).digest('hex').slice(0, 32)}`;
}

/** Key-safe hash of a canonical link, for the per-feed link → item lookup. */
export function linkHash(canonicalLink: string): string {
  return createHash('sha256').update(canonicalLink).digest('hex').slice(0, 32);
}
