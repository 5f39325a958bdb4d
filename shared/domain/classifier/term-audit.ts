/**
 * What each wildcard term of a measure set matches in a body of text: for `sanction*`, `*verbot*`
 * and `*bank`, the distinct folded words of the items it catches, most frequent first. Folding
 * makes short prefixes reach words of other languages ("gel*", French freeze, also catches German
 * "Gelder", money; "einig*", agree, catches "einige", some), so an analyst reads this list before
 * trusting a term (`radar measures words`). Bare terms are listed too when they match a form other
 * than the one written: they take English inflections, so "plan" also catches "plane", and the
 * German "plant" (plans) is the English "plant".
 */
import type { Measure } from '../types.js';
import { forEachToken } from './normalise.js';
import { parseQuery, type QueryNode, type QueryWord } from './query-parser.js';
import { stem } from './stem.js';

export type WildcardKind = 'prefix' | 'inner' | 'tail' | 'inflected';

export interface TermUse {
  /** As an analyst writes it: `sanktion*`, `*verbot*`, `*bank` (folded). */
  term: string;
  kind: WildcardKind;
  /** Ids of the measures whose clauses use it (definitions expanded). */
  measures: string[];
  /** Distinct folded words it matched, with their counts, most frequent first (at most maxWords). */
  words: Array<{ word: string; count: number }>;
  /** How many distinct words it matched. */
  distinct: number;
  /** Occurrences of all of them. */
  total: number;
}

function kindOf(w: QueryWord): WildcardKind | null {
  if (w.leading) return w.prefix ? 'inner' : 'tail';
  if (w.prefix) return 'prefix';
  return w.exact ? null : 'inflected';
}

function spell(text: string, kind: WildcardKind): string {
  return kind === 'prefix'
    ? `${text}*`
    : kind === 'inner'
      ? `*${text}*`
      : kind === 'tail'
        ? `*${text}`
        : text;
}

/** Visits the bare terms and the phrases of a query tree. */
function walk(node: QueryNode, onTerm: (w: QueryWord) => void, onPhrase: (words: QueryWord[]) => void): void {
  switch (node.kind) {
    case 'term':
      onTerm(node.word);
      return;
    case 'phrase':
      onPhrase(node.words);
      return;
    case 'and':
    case 'or':
      for (const c of node.children) walk(c, onTerm, onPhrase);
      return;
    case 'not':
    case 'field':
      walk(node.child, onTerm, onPhrase);
      return;
    case 'near':
      walk(node.left, onTerm, onPhrase);
      walk(node.right, onTerm, onPhrase);
  }
}

type ClauseName = 'query' | 'requires' | 'excludes';

/** The parsed clauses a measure has (definitions already expanded by the loader). */
function clausesOf(m: Measure): Array<[ClauseName, QueryNode]> {
  const out: Array<[ClauseName, QueryNode]> = [];
  for (const [clause, text] of [
    ['query', m.query],
    ['requires', m.requires],
    ['excludes', m.excludes],
  ] as Array<[ClauseName, string | null | undefined]>) {
    if (text) out.push([clause, parseQuery(text, m.id, clause)]);
  }
  return out;
}

const NO_PHRASE = (): void => {};
const NO_TERM = (): void => {};

/** Counts of each distinct folded word of the texts. */
export function wordCounts(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) forEachToken(text, (w) => counts.set(w, (counts.get(w) ?? 0) + 1));
  return counts;
}

/**
 * Every wildcard term of the measures (all clauses; only `measureId`'s when given; not the words of
 * "phrases", which their neighbours constrain) with the words
 * it matches among `counts` (see wordCounts). Terms are sorted by how many distinct words they
 * catch, most first (a term that catches many words is the one to read), then by occurrences.
 */
export function auditWildcards(
  measures: readonly Measure[],
  counts: ReadonlyMap<string, number>,
  options: { measureId?: string; maxWords?: number } = {},
): TermUse[] {
  const terms = new Map<
    string,
    { text: string; kind: WildcardKind; measures: Set<string>; written: Set<string> }
  >();
  for (const m of measures) {
    if (options.measureId !== undefined && m.id !== options.measureId) continue;
    for (const [, tree] of clausesOf(m)) {
      // A wildcard inside a phrase only matches next to the phrase's other words: not listed.
      walk(
        tree,
        (w) => {
          const kind = kindOf(w);
          if (kind === null) return;
          // Bare terms with one stem ("plan", "plans") are one entry: they match the same words.
          const key = kind === 'inflected' ? `~${stem(w.text)}` : spell(w.text, kind);
          let entry = terms.get(key);
          if (entry === undefined) {
            entry = { text: w.text, kind, measures: new Set(), written: new Set() };
            terms.set(key, entry);
          }
          entry.measures.add(m.id);
          entry.written.add(w.text);
        },
        NO_PHRASE,
      );
    }
  }
  // Prefixes by binary search over the sorted words; inner and tail words by a scan (they are few).
  const sorted = [...counts.keys()].sort();
  const maxWords = options.maxWords ?? Number.POSITIVE_INFINITY;
  // Words by stem, built once if a bare term asks (stemming every word per term is quadratic).
  let byStem: Map<string, string[]> | null = null;
  const wordsWithStem = (s: string): readonly string[] => {
    if (byStem === null) {
      byStem = new Map();
      for (const w of sorted) {
        const k = stem(w);
        const list = byStem.get(k);
        if (list === undefined) byStem.set(k, [w]);
        else list.push(w);
      }
    }
    return byStem.get(s) ?? [];
  };
  const out: TermUse[] = [];
  for (const [key, { text, kind, measures: ids, written }] of terms) {
    const matched: string[] = [];
    let term = key;
    if (kind === 'inflected') {
      // Listed only when a form other than the written ones occurs.
      matched.push(...wordsWithStem(stem(text)));
      if (matched.every((w) => written.has(w))) continue;
      term = [...written].sort().join(' / ');
    } else if (kind === 'prefix') {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as string) < text) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(text); i++)
        matched.push(sorted[i] as string);
    } else {
      for (const w of sorted) if (kind === 'inner' ? w.includes(text) : w.endsWith(text)) matched.push(w);
    }
    const words = matched
      .map((word) => ({ word, count: counts.get(word) ?? 0 }))
      .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1));
    out.push({
      term,
      kind,
      measures: [...ids].sort(),
      words: words.slice(0, maxWords),
      distinct: words.length,
      total: words.reduce((sum, w) => sum + w.count, 0),
    });
  }
  // Most distinct words first (the broad terms to read), then most occurrences, then by name.
  return out.sort((a, b) => b.distinct - a.distinct || b.total - a.total || (a.term < b.term ? -1 : 1));
}

/** A phrase that can never match the English possessive it was written for ("russia s central bank"). */
export interface PossessivePhrase {
  measureId: string;
  clause: ClauseName;
  /** The phrase as written (folded). */
  phrase: string;
  /** The same phrase without the lone "s": what "Russia's central bank" tokenises to. */
  suggestion: string;
}

/**
 * Phrases with a lone word "s" after a word: the tokeniser drops an English possessive ("Russia's"
 * is the word "russia"), so `"russia s central bank"` never matches "Russia's central bank" and the
 * analyst meant `"russia central bank"`. "u s" (U.S.) is a real pair of tokens and is not listed.
 */
export function possessivePhrases(measures: readonly Measure[]): PossessivePhrase[] {
  const found: PossessivePhrase[] = [];
  for (const m of measures) {
    for (const [clause, tree] of clausesOf(m)) {
      walk(tree, NO_TERM, (words) => {
        const lone = words.findIndex(
          (w, i) => i > 0 && w.text === 's' && !w.prefix && words[i - 1]?.text !== 'u',
        );
        if (lone < 0) return;
        const spell = (ws: QueryWord[]) => ws.map((w) => (w.prefix ? `${w.text}*` : w.text)).join(' ');
        const phrase = spell(words);
        if (found.some((f) => f.measureId === m.id && f.clause === clause && f.phrase === phrase)) return;
        found.push({
          measureId: m.id,
          clause,
          phrase,
          suggestion: spell(words.filter((_, i) => i !== lone)),
        });
      });
    }
  }
  return found;
}
