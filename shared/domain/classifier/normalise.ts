/**
 * Text folding and tokenisation shared by the query compiler and the matcher, so a query term and
 * the item text it should match always fold the same way.
 *
 * Folding: NFKD (compatibility: full-width → ASCII, ligatures split), combining marks removed
 * (accents, ё → е, й → и, ї → і), lower case, plus letters NFKD does not decompose (ł, ß, æ, ø, đ, ґ …).
 * Tokens are runs of letters and digits; anything else separates them. An English possessive
 * ('s / ’s) is dropped so "Russia's" yields "russia".
 */

/** A token: its folded text and UTF-16 offsets into the original string (end exclusive). */
export interface Token {
  text: string;
  start: number;
  end: number;
}

const SPECIAL_FOLDS: Record<string, string> = {
  ł: 'l',
  Ł: 'l',
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'h',
  ŀ: 'l',
  Ŀ: 'l',
  // Ukrainian ґ is spelt г in Russian and in many Ukrainian texts.
  ґ: 'г',
  Ґ: 'г',
};

/** Characters that join a word rather than split it (soft hyphen, zero-width joiners). */
const IGNORABLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
/** Apostrophes that may introduce a possessive 's. */
export const APOSTROPHES = new Set([0x27, 0x2019, 0x02bc, 0x2018]);

/** Kind of a code point: 0 separator, 1 word character, 2 ignorable inside a word. */
export const KIND_SEP = 0;
export const KIND_WORD = 1;
export const KIND_SKIP = 2;

const WORD_CHAR = /[\p{L}\p{N}]/u;
const NON_WORD_CHARS = /[^\p{L}\p{N}]/gu;
const MARKS = /\p{M}/gu;

/** How a code point tokenises: `kind` is 0 separator, 1 word character, 2 ignorable; `fold` its folded form. */
export interface CharInfo {
  kind: number;
  fold: string;
}

/** Per-code-point cache: a flat array for the BMP (one index, no hashing), a Map above it. */
const bmpCache: Array<CharInfo | undefined> = new Array(0x10000);
const astralCache = new Map<number, CharInfo>();

function computeCharInfo(cp: number): CharInfo {
  const ch = String.fromCodePoint(cp);
  if (IGNORABLE.has(cp) || /^\p{M}$/u.test(ch)) return { kind: KIND_SKIP, fold: '' };
  const special = SPECIAL_FOLDS[ch];
  if (special !== undefined) return { kind: KIND_WORD, fold: special };
  // A symbol whose compatibility form has letters ("№" → "No", "™" → "TM") still separates words:
  // "Пакет №19" is the words "пакет" and "19".
  if (!WORD_CHAR.test(ch)) return { kind: KIND_SEP, fold: '' };
  let folded = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
  // Compatibility decompositions can bring punctuation ("½" → "1⁄2"); keep only letters and digits.
  folded = folded.replace(NON_WORD_CHARS, '');
  let out = '';
  for (const c of folded) out += SPECIAL_FOLDS[c] ?? c;
  if (out.length === 0 || !WORD_CHAR.test(out)) return { kind: KIND_SEP, fold: '' };
  return { kind: KIND_WORD, fold: out };
}

/** Folding class of a non-ASCII code point (cached): separator, word character with its fold, or ignorable. */
export function charInfo(cp: number): CharInfo {
  if (cp < 0x10000) {
    let info = bmpCache[cp];
    if (info === undefined) {
      info = computeCharInfo(cp);
      bmpCache[cp] = info;
    }
    return info;
  }
  let info = astralCache.get(cp);
  if (info === undefined) {
    info = computeCharInfo(cp);
    astralCache.set(cp, info);
  }
  return info;
}

/** ASCII fast path: 1 for [A-Za-z0-9], else 0. */
export const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_WORD[c] = 1;
}

/** True when a word character starts at UTF-16 index i of text. */
export function isWordAt(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_WORD[c] === 1;
  const cp = text.codePointAt(i) ?? c;
  return charInfo(cp).kind === KIND_WORD;
}

/**
 * Calls `onToken(folded, start, end)` for each token of `text`, offsets into `text`.
 * The callback form avoids allocating token objects on the classifier's hot path.
 */
export function forEachToken(
  text: string,
  onToken: (folded: string, start: number, end: number) => void,
): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    // Skip separators quickly.
    if (c < 128) {
      if (ASCII_WORD[c] !== 1) {
        i++;
        continue;
      }
    } else {
      const cp = text.codePointAt(i) ?? c;
      if (charInfo(cp).kind !== KIND_WORD) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
    }
    // Inside a token.
    const start = i;
    let ascii = true;
    let built = '';
    let end = i;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_WORD[c] !== 1) break;
        if (!ascii) built += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i];
        i++;
        end = i;
        continue;
      }
      const cp = text.codePointAt(i) ?? c;
      const info = charInfo(cp);
      if (info.kind === KIND_SEP) break;
      if (ascii) {
        built = text.slice(start, i).toLowerCase();
        ascii = false;
      }
      built += info.fold;
      i += cp > 0xffff ? 2 : 1;
      // Combining marks belong to the word, so evidence quotes "café" whole.
      end = i;
    }
    onToken(ascii ? text.slice(start, end).toLowerCase() : built, start, end);
    // Drop an English possessive: word + apostrophe + s + non-word.
    if (i + 1 < n && APOSTROPHES.has(text.charCodeAt(i))) {
      const s = text.charCodeAt(i + 1);
      if ((s === 115 || s === 83) && !isWordAt(text, i + 2)) i += 2;
    }
  }
}

/** Splits text into folded tokens with offsets into the original text. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  forEachToken(text, (folded, start, end) => {
    out.push({ text: folded, start, end });
  });
  return out;
}

/** Folds text for matching: the tokens joined by single spaces (case, accent and width folded). */
export function foldText(text: string): string {
  const parts: string[] = [];
  forEachToken(text, (folded) => {
    parts.push(folded);
  });
  return parts.join(' ');
}
