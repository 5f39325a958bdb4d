/**
 * Light English inflection folding: plural/3rd-person -s/-es/-ies, past -ed/-ied and -ing, with a
 * final silent e dropped so "seize", "seizes", "seized" and "seizing" share one stem. Deliberately
 * conservative (no derivational suffixes): analysts expect "sanction*" for sanctionable etc.
 * Only applied to ASCII letter tokens; Slavic inflection is handled with prefix terms in the query.
 */

/** Words the suffix rules would mangle into a different common word. */
const KEEP = new Set([
  'news',
  'series',
  'species',
  'always',
  'perhaps',
  'various',
  'during',
  'according',
  'nothing',
  'something',
  'anything',
  'everything',
  'bring',
  'thing',
  'things',
  'string',
  'spring',
  'swing',
  'ceiling',
  'need',
  'feed',
  'seed',
  'speed',
  'united',
  'kingdom',
]);

function hasVowel(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    // a e i o u y
    if (c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121) return true;
  }
  return false;
}

function isAsciiLower(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Doubled letters kept when a suffix goes: vowels (agree) and l, s, z (fall, pass, buzz). */
const VOWEL_OR_LSZ = new Set([97, 101, 105, 111, 117, 121, 108, 115, 122]);

function undouble(s: string): string {
  const n = s.length;
  if (n >= 3) {
    const a = s.charCodeAt(n - 1);
    if (a === s.charCodeAt(n - 2) && !VOWEL_OR_LSZ.has(a)) {
      return s.slice(0, n - 1);
    }
  }
  return s;
}

function dropFinalE(s: string): string {
  return s.length > 3 && s.charCodeAt(s.length - 1) === 101 ? s.slice(0, -1) : s;
}

/** Returns the inflection stem of a folded English token; other tokens come back unchanged. */
export function stem(token: string): string {
  if (token.length < 4 || KEEP.has(token) || !isAsciiLower(token)) return token;
  let w = token;
  if (w.endsWith('ies') && w.length > 4) {
    w = `${w.slice(0, -3)}y`;
  } else if (w.endsWith('sses')) {
    w = w.slice(0, -2);
  } else if (
    w.endsWith('es') &&
    (w.endsWith('xes') || w.endsWith('ches') || w.endsWith('shes') || w.endsWith('zes') || w.endsWith('oes'))
  ) {
    w = w.slice(0, -2);
  } else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) {
    w = w.slice(0, -1);
  } else if (w.endsWith('ied') && w.length > 4) {
    w = `${w.slice(0, -3)}y`;
  } else if (w.endsWith('eed')) {
    w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2) && w.length > 4) {
    w = undouble(w.slice(0, -2));
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3) && w.length > 5) {
    w = undouble(w.slice(0, -3));
  }
  return dropFinalE(w);
}
