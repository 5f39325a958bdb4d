/**
 * Compiles measures into one matcher:
 *   - every distinct term, exact word or prefix of every clause becomes an "atom";
 *   - all atoms go into one character trie over folded text, so the matcher finds a token's atoms
 *     while it scans the token (no per-token string or map lookup). A bare term's trie entries are
 *     its English inflections, enumerated at compile time (the inverse of `stem`);
 *   - the boolean trees are hash-consed into one DAG: a sub-expression repeated across measures
 *     (the Russia terms, the development words, the shared excludes) is one node, evaluated once
 *     per item whatever the number of measures that use it;
 *   - each atom lists the measures whose query cannot hold without it (or another atom of the same
 *     necessary set), so an item evaluates only measures one of whose rare terms it contains.
 */
import type { Measure, Stage } from '../types.js';
import {
  CONTEXT_CUES,
  CONTEXT_KINDS,
  CONTEXT_TRIGGERS,
  type ContextKind,
  NEGATION_EXCEPTIONS,
} from './context.js';
import type { QueryClause } from './errors.js';
import { AtomFrequency, type AtomKind } from './frequency.js';
import { foldText } from './normalise.js';
import { type Field, parseQuery, type QueryNode, type QueryWord } from './query-parser.js';
import { MODAL_CUES, NOUN_MARKERS, STAGE_CUES, STAGES } from './stage.js';
import { stem } from './stem.js';

/** Bumped when matching semantics change, so stored matches show which engine produced them. */
export const ENGINE_VERSION = 'classifier-5';

export const FIELD_TITLE = 1;
export const FIELD_SUMMARY = 2;
export const FIELD_BOTH = 3;

/** A node of the compiled DAG; `id` is unique per distinct sub-expression (memo index). */
export type CompiledNode =
  | { k: 'term'; id: number; atom: number }
  /**
   * An OR of plain terms, flattened. `slot` indexes the per-item field mask the matcher computes
   * on first test (from the item's atoms via `member`, built on first use, when the list is long).
   */
  | { k: 'any'; id: number; slot: number; atoms: number[]; member: Uint8Array | null }
  /** `pid` indexes the per-item liveness stamp set when its `anchor` (rarest atom) occurs. */
  | { k: 'phrase'; id: number; atoms: number[]; pid: number; anchor: number }
  | { k: 'and'; id: number; children: CompiledNode[] }
  /** `gate`: slot of an `any` node that some atom of must occur for the OR to hold (-1: none). */
  | { k: 'or'; id: number; children: CompiledNode[]; gate: number }
  | { k: 'not'; id: number; child: CompiledNode }
  | { k: 'near'; id: number; left: CompiledNode; right: CompiledNode; distance: number }
  | { k: 'field'; id: number; mask: number; child: CompiledNode };

/** Every field any node kind has, for makeNode. */
interface NodeFields {
  k: CompiledNode['k'];
  id: number;
  atom?: number;
  slot?: number;
  atoms?: number[];
  member?: Uint8Array | null;
  pid?: number;
  anchor?: number;
  children?: CompiledNode[];
  gate?: number;
  child?: CompiledNode;
  left?: CompiledNode;
  right?: CompiledNode;
  distance?: number;
  mask?: number;
}

const NO_NODES: CompiledNode[] = [];
const NO_ATOM_IDS: number[] = [];

/**
 * A node with every field of every kind, set in one order (unused ones hold a neutral value), so
 * all nodes share one hidden class and the matcher's many reads of node fields stay monomorphic:
 * with one object shape per kind they were megamorphic, a third of the evaluation time.
 */
export function makeNode<K extends CompiledNode['k']>(
  fields: Extract<CompiledNode, { k: K }>,
): Extract<CompiledNode, { k: K }> {
  const f = fields as NodeFields;
  return {
    k: f.k,
    id: f.id,
    atom: f.atom ?? -1,
    slot: f.slot ?? -1,
    atoms: f.atoms ?? NO_ATOM_IDS,
    member: f.member ?? null,
    pid: f.pid ?? -1,
    anchor: f.anchor ?? -1,
    children: f.children ?? NO_NODES,
    gate: f.gate ?? -1,
    child: f.child ?? null,
    left: f.left ?? null,
    right: f.right ?? null,
    distance: f.distance ?? 0,
    mask: f.mask ?? 0,
  } as unknown as Extract<CompiledNode, { k: K }>;
}

export interface CompiledMeasure {
  measure: Measure;
  index: number;
  query: CompiledNode;
  requires: CompiledNode | null;
  excludes: CompiledNode | null;
}

/**
 * Character trie over folded tokens. Transitions live in one open-addressing table keyed by
 * (node, UTF-16 code unit). Because a trie path is unique, the atoms of a token depend only on
 * the last node its walk reached and whether it ended there: its token code `n × 2` (the prefix
 * atoms on the way, when the token goes on or leaves the trie) or `n × 2 + 1` (those plus the
 * whole-word atoms, when the token ends at n).
 */
export interface Trie {
  tabNode: Int32Array;
  tabCode: Int32Array;
  tabChild: Int32Array;
  /** Table size − 1 (a power of two minus one). */
  tabMask: number;
  /**
   * ASCII transitions, compact so the hot table stays in cache even with thousands of terms, one
   * read of `next[node]` per step for most nodes. A node with two or more ASCII children has a
   * dense row of 36 symbols at offset o (`next[node]` = −o − 1; `dense[o + symbol]`, -1 when
   * absent); any other node (most of them: word tails are chains) has at most one child c, on
   * symbol s: `next[node]` = c × 64 + s (63 for no child: no symbol is 63).
   */
  next: Int32Array;
  dense: Int32Array;
  /** Token code (node × 2, + 1 when the token ended there) → its atoms. */
  tokenAtoms: Postings;
  /**
   * The same lists without the untracked atoms (words that occur in phrases only, never first to
   * check: "the", "to", "of"). A phrase finds those through the token's full list; the matcher
   * keeps positions, field masks and candidates for tracked atoms only.
   */
  tokenTracked: Postings;
  nodeCount: number;
}

/**
 * Lists of numbers by index, flattened (compressed sparse rows): list i is
 * `data[start[i]] … data[start[i + 1] − 1]`. Flat typed arrays are what the matcher reads in its
 * hot loops, and what a cached set stores and reads back without building an array per list.
 */
export interface Postings {
  /** n + 1 offsets. */
  start: Int32Array;
  data: Int32Array;
}

/** Flattens n lists into Postings. */
export function toPostings(lists: ReadonlyArray<readonly number[] | undefined>, n: number): Postings {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = (start[i] as number) + (lists[i]?.length ?? 0);
  const data = new Int32Array(start[n] as number);
  for (let i = 0; i < n; i++) {
    const list = lists[i];
    if (list !== undefined && list.length > 0) data.set(list, start[i] as number);
  }
  return { start, data };
}

/** List i of Postings as an array (for tests and tooling; the matcher reads the flat arrays). */
export function postingList(postings: Postings, i: number): number[] {
  return Array.from(postings.data.subarray(postings.start[i], postings.start[i + 1]));
}

/** Folded ASCII word character → 0..35 (a-z, 0-9); other codes → -1. */
export const ASCII_SYMBOL = new Int8Array(128).fill(-1);
for (let c = 97; c <= 122; c++) ASCII_SYMBOL[c] = c - 97;
for (let c = 48; c <= 57; c++) ASCII_SYMBOL[c] = 26 + c - 48;
for (let c = 65; c <= 90; c++) ASCII_SYMBOL[c] = c - 65;

/** The compiled form of a measure set: dictionary, DAG and the atom → measure postings. */
export interface CompiledSet {
  measures: CompiledMeasure[];
  trie: Trie;
  /** Stem of a whole word → its atom (kept for reference lookups and tests). */
  stemAtoms: Map<string, number>;
  /** Exact folded word form → its atom. */
  exactAtoms: Map<string, number>;
  /** Folded prefix → its atom. */
  prefixAtoms: Map<string, number>;
  /** Folded inner word (`*word*`: the token contains it) → its atom. */
  innerAtoms: Map<string, number>;
  /** Folded word end (`*word`: the token ends with it) → its atom. */
  tailAtoms: Map<string, number>;
  /** Matcher of the inner and tail atoms (null when the set has none: the scan skips it). */
  infix: InfixMatcher | null;
  atomCount: number;
  /** Number of distinct DAG nodes (memo table size). */
  nodeCount: number;
  /** Every DAG node by id (children before parents). */
  nodes: CompiledNode[];
  /** Number of distinct `any` nodes. */
  anyCount: number;
  /** The `any` nodes by slot (gates included). */
  anys: Array<Extract<CompiledNode, { k: 'any' }>>;
  /**
   * Atom → indices of the measures it makes candidates: those whose query cannot hold without one
   * atom of its necessary set (the rarest-looking one; every atom it mentions when there is none).
   */
  atomMeasures: Postings;
  /**
   * Atom → slots of the long `any` lists (more than LONG_ANY atoms) that hold it: the matcher keeps
   * those lists' field masks up to date as it scans (they are the shared blocks, tested on most
   * items); a short list's mask is computed when a candidate measure tests it.
   */
  atomLongAnys: Postings;
  /** Number of distinct phrase nodes (liveness stamps). */
  phraseCount: number;
  /** Atom → pids of the phrases it anchors: a phrase can hold in an item only when its anchor occurs. */
  atomPhrases: Postings;
  /** Measures whose query is true on an empty text (only NOTs): evaluated for every item. */
  alwaysEvaluate: number[];
  stageCues: Array<{ stage: Stage; node: CompiledNode }>;
  /** Context cues (context.ts): tested only on items that matched, to blank what they govern. */
  contextCues: Array<{ kind: ContextKind; trigger: CompiledNode | null; node: CompiledNode }>;
  /** Words that cancel a negation cue in their clause. */
  contextExceptions: CompiledNode;
  /**
   * Modal / intention markers (folded, space-joined words) and the stage they give a following
   * adoption cue. Matched on the few words before an adoption cue only, so they add no atoms
   * (and no per-token cost) for common words like "would" or "the".
   */
  modalCues: ReadonlyMap<string, Stage>;
  /** Most words in one modal marker. */
  modalMaxWords: number;
  /** Folded determiners that make a following adoption cue a noun. */
  nounMarkers: ReadonlySet<string>;
  /** Stable hash of the engine version and the measures (computed on first read). */
  readonly rulesVersion: string;
}

class AtomTable {
  readonly stemAtoms = new Map<string, number>();
  readonly exactAtoms = new Map<string, number>();
  readonly prefixAtoms = new Map<string, number>();
  readonly innerAtoms = new Map<string, number>();
  readonly tailAtoms = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  count = 0;

  /** Atom → its kind and folded text (for weighting by how common it is in news). */
  kindsAndTexts(): Array<[AtomKind, string]> {
    const out: Array<[AtomKind, string]> = [];
    const maps: Array<[AtomKind, Map<string, number>]> = [
      ['s', this.stemAtoms],
      ['e', this.exactAtoms],
      ['p', this.prefixAtoms],
      ['i', this.innerAtoms],
      ['x', this.tailAtoms],
    ];
    for (const [kind, map] of maps) for (const [t, a] of map) out[a] = [kind, t];
    return out;
  }

  atom(word: QueryWord): number {
    const kind = word.leading ? (word.prefix ? 'i' : 'x') : word.prefix ? 'p' : word.exact ? 'e' : 's';
    const key = `${kind}:${kind === 's' ? stem(word.text) : word.text}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(key, id);
      const map =
        kind === 'i'
          ? this.innerAtoms
          : kind === 'x'
            ? this.tailAtoms
            : kind === 'p'
              ? this.prefixAtoms
              : kind === 'e'
                ? this.exactAtoms
                : this.stemAtoms;
      map.set(key.slice(2), id);
    }
    return id;
  }
}

/** Hash-consing store: one node object per distinct sub-expression. */
class NodeStore {
  private readonly byKey = new Map<string, CompiledNode>();
  /** Every node by id (a node's children have smaller ids: they are interned first). */
  readonly list: CompiledNode[] = [];
  count = 0;

  intern<T extends CompiledNode>(key: string, make: (id: number) => T): T {
    const found = this.byKey.get(key);
    if (found !== undefined) return found as T;
    const node = make(this.count++);
    this.byKey.set(key, node);
    this.list.push(node);
    return node;
  }
}

function fieldMask(field: Field): number {
  return field === 'title' ? FIELD_TITLE : FIELD_SUMMARY;
}

class DagBuilder {
  readonly atoms = new AtomTable();
  readonly nodes = new NodeStore();
  readonly anys: Array<Extract<CompiledNode, { k: 'any' }>> = [];
  readonly phrases: Array<Extract<CompiledNode, { k: 'phrase' }>> = [];

  readonly terms: Array<Extract<CompiledNode, { k: 'term' }>> = [];

  term(atom: number): CompiledNode {
    return this.nodes.intern(`t${atom}`, (id) => {
      const node = makeNode<'term'>({ k: 'term', id, atom });
      this.terms.push(node);
      return node;
    });
  }

  any(atoms: number[]): CompiledNode {
    const sorted = [...new Set(atoms)].sort((a, b) => a - b);
    if (sorted.length === 1) return this.term(sorted[0] as number);
    return this.nodes.intern(`y${sorted.join(',')}`, (id) => {
      const node = makeNode<'any'>({ k: 'any', id, slot: this.anys.length, atoms: sorted, member: null });
      this.anys.push(node);
      return node;
    });
  }

  private readonly compiled = new Map<QueryNode, CompiledNode>();

  /** Compiles a parsed tree; a subtree object seen before (a shared group) is compiled once. */
  compile(node: QueryNode): CompiledNode {
    let out = this.compiled.get(node);
    if (out === undefined) {
      out = this.compileNode(node);
      this.compiled.set(node, out);
    }
    return out;
  }

  private compileNode(node: QueryNode): CompiledNode {
    switch (node.kind) {
      case 'term':
        return this.term(this.atoms.atom(node.word));
      case 'phrase': {
        const ids = node.words.map((w) => this.atoms.atom(w));
        return this.nodes.intern(`p${ids.join(',')}`, (id) => {
          const node = makeNode<'phrase'>({
            k: 'phrase',
            id,
            atoms: ids,
            pid: this.phrases.length,
            anchor: ids[0] as number,
          });
          this.phrases.push(node);
          return node;
        });
      }
      case 'and': {
        const children: CompiledNode[] = [];
        for (const c of node.children) {
          const cc = this.compile(c);
          if (cc.k === 'and') children.push(...cc.children);
          else children.push(cc);
        }
        return this.junction('and', children);
      }
      case 'or': {
        const terms: number[] = [];
        const rest: CompiledNode[] = [];
        for (const c of node.children) {
          const cc = this.compile(c);
          if (cc.k === 'term') terms.push(cc.atom);
          else if (cc.k === 'any') terms.push(...cc.atoms);
          else if (cc.k === 'or') {
            for (const g of cc.children) {
              if (g.k === 'any') terms.push(...g.atoms);
              else if (g.k === 'term') terms.push(g.atom);
              else rest.push(g);
            }
          } else rest.push(cc);
        }
        const children = terms.length > 0 ? [this.any(terms), ...rest] : rest;
        return this.junction('or', children);
      }
      case 'not': {
        const child = this.compile(node.child);
        return this.nodes.intern(`!${child.id}`, (id) => makeNode<'not'>({ k: 'not', id, child }));
      }
      case 'near': {
        const left = this.compile(node.left);
        const right = this.compile(node.right);
        const distance = node.distance;
        return this.nodes.intern(`n${distance}:${left.id}:${right.id}`, (id) =>
          makeNode<'near'>({ k: 'near', id, left, right, distance }),
        );
      }
      case 'field': {
        const child = this.compile(node.child);
        const mask = fieldMask(node.field);
        return this.nodes.intern(`f${mask}:${child.id}`, (id) =>
          makeNode<'field'>({ k: 'field', id, mask, child }),
        );
      }
    }
  }

  private junction(k: 'and' | 'or', list: CompiledNode[]): CompiledNode {
    const seen = new Set<number>();
    const children: CompiledNode[] = [];
    for (const c of list) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      children.push(c);
    }
    if (children.length === 1) return children[0] as CompiledNode;
    // Cheap leaves first: the boolean test short-circuits before reaching NEARs and phrases.
    children.sort((a, b) => cost(a) - cost(b));
    const key = `${k === 'and' ? '&' : '|'}${children
      .map((c) => c.id)
      .sort((a, b) => a - b)
      .join(',')}`;
    return this.nodes.intern(key, (id) =>
      k === 'and' ? makeNode<'and'>({ k, id, children }) : makeNode<'or'>({ k, id, children, gate: -1 }),
    );
  }

  /**
   * Gives every OR a gate: the atoms of which at least one must occur for it to hold (a union of
   * its children's necessary atoms), so a failing OR costs one mask read instead of a walk over
   * its branches. For AND, NEAR and phrases the rarest-looking operand is necessary enough. How
   * common an atom is comes from the built-in news word frequencies (frequency.ts); among words
   * rarer than that table's threshold, atoms that many clauses mention (and short words) are taken
   * to be the commoner. Only the work a failing clause costs depends on this, never the result.
   */
  addGates(roots: CompiledNode[]): (node: CompiledNode) => number[] | null {
    const uses = new Map<number, number>();
    const seen = new Set<number>();
    const count = (node: CompiledNode): void => {
      if (seen.has(node.id)) return;
      seen.add(node.id);
      for (const a of leafAtoms(node)) uses.set(a, (uses.get(a) ?? 0) + 1);
      for (const c of childrenOf(node)) count(c);
    };
    for (const r of roots) count(r);
    const atoms = this.atoms.kindsAndTexts();
    const texts = atoms.map(([, text]) => text);
    const frequency = new AtomFrequency();
    const shares = atoms.map(([kind, text]) => frequency.of(kind, text));
    // A table word always outweighs a word rarer than the table's threshold (0.3 %): the guess from
    // the measures, at most a few thousand, is scaled far below it.
    const weight = (a: number) =>
      (shares[a] ?? 0) + 1e-7 * (uses.get(a) ?? 1) * ((texts[a]?.length ?? 0) < 4 ? 8 : 1);
    const needs = new Map<number, number[] | null>();
    const total = (list: number[] | null) =>
      list === null ? Number.POSITIVE_INFINITY : list.reduce((sum, a) => sum + weight(a), 0);
    const need = (node: CompiledNode): number[] | null => {
      const known = needs.get(node.id);
      if (known !== undefined) return known;
      let result: number[] | null;
      switch (node.k) {
        case 'term':
          result = [node.atom];
          break;
        case 'any':
          result = node.atoms;
          break;
        case 'phrase': {
          let best = node.atoms[0] as number;
          for (const a of node.atoms) if (weight(a) < weight(best)) best = a;
          node.anchor = best;
          result = [best];
          break;
        }
        case 'and': {
          result = null;
          for (const c of node.children) {
            const n = need(c);
            if (n !== null && total(n) < total(result)) result = n;
          }
          break;
        }
        case 'near': {
          const l = need(node.left);
          const r = need(node.right);
          result = total(l) <= total(r) ? l : r;
          break;
        }
        case 'field':
          result = need(node.child);
          break;
        case 'not':
          result = null;
          break;
        case 'or': {
          const union = new Set<number>();
          result = [];
          for (const c of node.children) {
            const n = need(c);
            if (n === null) {
              result = null;
              break;
            }
            for (const a of n) union.add(a);
          }
          if (result !== null) result = [...union];
          if (result !== null && node.children.length > 1) {
            const gate = this.any(result);
            if (gate.k === 'any') node.gate = gate.slot;
          }
          break;
        }
      }
      needs.set(node.id, result);
      return result;
    };
    for (const r of roots) need(r);
    // An AND stops at its first failing child: test first the children most likely to fail for
    // their cost (the order that minimises the expected cost, cost / chance of failing).
    const holds = (c: CompiledNode) => Math.min(1, total(need(c)));
    for (const node of this.nodes.list) {
      // NEAR is symmetric: its rarer operand is tested first.
      if (node.k === 'near' && holds(node.right) < holds(node.left)) {
        const left = node.left;
        node.left = node.right;
        node.right = left;
      }
      if (node.k !== 'and' || node.children.length < 2) continue;
      const key = new Map(node.children.map((c) => [c, (cost(c) + 1) / Math.max(1e-9, 1 - holds(c))]));
      node.children.sort((a, b) => (key.get(a) as number) - (key.get(b) as number));
    }
    return need;
  }
}

/** Every atom a tree mentions (under NOT too: a NOT-only query is evaluated for every item anyway). */
function atomsOf(root: CompiledNode): Set<number> {
  const out = new Set<number>();
  const seen = new Set<number>();
  const walk = (node: CompiledNode): void => {
    if (seen.has(node.id)) return;
    seen.add(node.id);
    for (const a of leafAtoms(node)) out.add(a);
    for (const c of childrenOf(node)) walk(c);
  };
  walk(root);
  return out;
}

function leafAtoms(node: CompiledNode): readonly number[] {
  if (node.k === 'term') return [node.atom];
  if (node.k === 'any' || node.k === 'phrase') return node.atoms;
  return [];
}

function childrenOf(node: CompiledNode): readonly CompiledNode[] {
  switch (node.k) {
    case 'and':
    case 'or':
      return node.children;
    case 'not':
    case 'field':
      return [node.child];
    case 'near':
      return [node.left, node.right];
    default:
      return [];
  }
}

function cost(node: CompiledNode): number {
  switch (node.k) {
    case 'term':
    case 'any':
      return 0;
    case 'phrase':
    case 'not':
    case 'field':
      return 1;
    case 'and':
    case 'or':
      return 2;
    case 'near':
      return 3;
  }
}

/** True when the tree holds on a text with no tokens (then no atom can trigger it). */
function trueOnEmpty(node: CompiledNode): boolean {
  switch (node.k) {
    case 'term':
    case 'any':
    case 'phrase':
    case 'near':
      return false;
    case 'and':
      return node.children.every(trueOnEmpty);
    case 'or':
      return node.children.some(trueOnEmpty);
    case 'not':
      return !trueOnEmpty(node.child);
    case 'field':
      return trueOnEmpty(node.child);
  }
}

/** FNV-1a over UTF-16 code units with two seeds: a stable 64-bit hex digest without node:crypto. */
export function stableHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/** Turns a space-separated cue list (words and "phrases") into an OR query. */
function cueQuery(list: string): string {
  return (list.match(/"[^"]*"|\S+/g) ?? []).join(' OR ');
}

/**
 * Every folded word form whose `stem` is `s`: the inverse of the suffix rules, generated from
 * s and s+"e" and kept when stem() maps it back (so the two can never disagree).
 */
export function inflections(s: string): string[] {
  // Not seeded with s itself: stem is not idempotent ("aaase" → "aaas" → "aaa"), so s is a form
  // only when it maps back to itself, which the filter below decides like for any candidate.
  const out = new Set<string>();
  for (const r of [s, `${s}e`]) {
    const last = r.slice(-1);
    const cands = [r, `${r}s`, `${r}es`, `${r}ed`, `${r}ing`, `${r}d`, `${r}${last}ed`, `${r}${last}ing`];
    if (last === 'y') cands.push(`${r.slice(0, -1)}ies`, `${r.slice(0, -1)}ied`);
    for (const w of cands) if (stem(w) === s) out.add(w);
  }
  return [...out];
}

const NO_ATOMS: readonly number[] = [];

/** Builds the trie straight into its hash table (no per-node objects: compile time matters at startup). */
class TrieBuilder {
  private count = 1;
  private parent: number[] = [-1];
  private readonly prefixAtom: number[] = [-1];
  private readonly wordAtoms: Array<number[] | null> = [null];
  private tabNode = new Int32Array(1024).fill(-1);
  private tabCode = new Int32Array(1024);
  private tabChild = new Int32Array(1024);
  private edges = 0;

  private find(node: number, code: number): number {
    const mask = this.tabNode.length - 1;
    let h = trieSlot(node, code, mask);
    for (;;) {
      const n = this.tabNode[h] as number;
      if (n === -1) return -1;
      if (n === node && this.tabCode[h] === code) return this.tabChild[h] as number;
      h = (h + 1) & mask;
    }
  }

  private put(node: number, code: number, child: number): void {
    const mask = this.tabNode.length - 1;
    let h = trieSlot(node, code, mask);
    while ((this.tabNode[h] as number) !== -1) h = (h + 1) & mask;
    this.tabNode[h] = node;
    this.tabCode[h] = code;
    this.tabChild[h] = child;
  }

  private grow(): void {
    const { tabNode, tabCode, tabChild } = this;
    const size = tabNode.length * 2;
    this.tabNode = new Int32Array(size).fill(-1);
    this.tabCode = new Int32Array(size);
    this.tabChild = new Int32Array(size);
    for (let i = 0; i < tabNode.length; i++) {
      const n = tabNode[i] as number;
      if (n !== -1) this.put(n, tabCode[i] as number, tabChild[i] as number);
    }
  }

  private insert(word: string): number {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let next = this.find(node, c);
      if (next === -1) {
        next = this.count++;
        this.parent.push(node);
        this.prefixAtom.push(-1);
        this.wordAtoms.push(null);
        if ((this.edges + 1) * 2 > this.tabNode.length) this.grow();
        this.put(node, c, next);
        this.edges++;
      }
      node = next;
    }
    return node;
  }

  addPrefix(prefix: string, atom: number): void {
    this.prefixAtom[this.insert(prefix)] = atom;
  }

  addWord(word: string, atom: number): void {
    const node = this.insert(word);
    const list = this.wordAtoms[node];
    if (list === null || list === undefined) this.wordAtoms[node] = [atom];
    else if (!list.includes(atom)) list.push(atom);
  }

  build(tracked: Uint8Array): Trie {
    const n = this.count;
    const pathAtoms: Array<readonly number[]> = new Array(n);
    // By token code: node × 2 the path's atoms, node × 2 + 1 those plus the words ending there.
    const all: Array<readonly number[]> = new Array(n * 2);
    const kept: Array<readonly number[]> = new Array(n * 2);
    const keep = (list: readonly number[]) =>
      list.every((a) => tracked[a] === 1) ? list : list.filter((a) => tracked[a] === 1);
    // A node is created after its parent, so one forward pass sees each parent first.
    for (let node = 0; node < n; node++) {
      const own = this.prefixAtom[node] as number;
      const inherited = node === 0 ? NO_ATOMS : (pathAtoms[this.parent[node] as number] as readonly number[]);
      const path = own >= 0 ? [...inherited, own] : inherited;
      pathAtoms[node] = path;
      const words = this.wordAtoms[node];
      const end = words ? [...words, ...path] : path;
      all[node * 2] = path;
      all[node * 2 + 1] = end;
      kept[node * 2] = keep(path);
      kept[node * 2 + 1] = keep(end);
    }
    const { tabNode, tabCode, tabChild } = this;
    const kids = new Int32Array(n);
    for (let h = 0; h < tabNode.length; h++) {
      const node = tabNode[h] as number;
      const code = tabCode[h] as number;
      if (node !== -1 && code < 128 && (ASCII_SYMBOL[code] as number) >= 0)
        kids[node] = (kids[node] as number) + 1;
    }
    // Chain nodes first (most of them), then the dense rows.
    const next = new Int32Array(n).fill(63);
    let rows = 0;
    for (let node = 0; node < n; node++) if ((kids[node] as number) >= 2) next[node] = -(rows++ * 36) - 1;
    const dense = new Int32Array(rows * 36).fill(-1);
    for (let h = 0; h < tabNode.length; h++) {
      const node = tabNode[h] as number;
      const code = tabCode[h] as number;
      if (node === -1 || code >= 128) continue;
      const sym = ASCII_SYMBOL[code] as number;
      if (sym < 0) continue;
      const x = next[node] as number;
      if (x < 0) dense[sym - x - 1] = tabChild[h] as number;
      else next[node] = ((tabChild[h] as number) << 6) | sym;
    }
    return {
      tabNode,
      tabCode,
      tabChild,
      tabMask: tabNode.length - 1,
      next,
      dense,
      tokenAtoms: toPostings(all, n * 2),
      tokenTracked: toPostings(kept, n * 2),
      nodeCount: n,
    };
  }
}

/**
 * Matcher of the inner (`*word*`) and tail (`*word`) atoms: an Aho–Corasick automaton over folded
 * code units with its full transition table, walked by the scan alongside the trie (one table read
 * per code unit). Symbols: a-z and 0-9 as ASCII_SYMBOL numbers them, then the other code units of
 * the words (`wide`); a code unit of no word sends the walk back to the root.
 *
 * A state is named by its row offset (state number × width), so a step is `delta[state + symbol]`;
 * states where an inner word ends are numbered last, so `state >= innerFrom` tells them apart
 * without a second read.
 */
export interface InfixMatcher {
  wide: ReadonlyMap<number, number>;
  width: number;
  /** Row offset + symbol → row offset of the next state (16-bit when the table allows: half the cache). */
  delta: Uint16Array | Int32Array;
  /** Row offset of the first state where inner words end. */
  innerFrom: number;
  /** Per state number (offset / width): the inner atoms ending there (its failure chain's too). */
  inner: Array<readonly number[]>;
  /** Per state number: the tail atoms ending there; they hold when the token ends there. */
  tail: Array<readonly number[]>;
}

/** Symbol of a folded code unit in an InfixMatcher (-1: in no word). */
export function infixSymbol(wide: ReadonlyMap<number, number>, c: number): number {
  const s = c < 128 ? (ASCII_SYMBOL[c] as number) : -1;
  return s >= 0 ? s : (wide.get(c) ?? -1);
}

/** Builds the inner/tail matcher; null when there are no such atoms. */
export function buildInfixMatcher(
  innerAtoms: ReadonlyMap<string, number>,
  tailAtoms: ReadonlyMap<string, number>,
): InfixMatcher | null {
  if (innerAtoms.size + tailAtoms.size === 0) return null;
  const wide = new Map<number, number>();
  const words = [...innerAtoms.keys(), ...tailAtoms.keys()];
  for (const w of words)
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if ((c >= 128 || (ASCII_SYMBOL[c] as number) < 0) && !wide.has(c)) wide.set(c, 36 + wide.size);
    }
  const width = 36 + wide.size;
  const go: Int32Array[] = [new Int32Array(width).fill(-1)];
  const ownInner: number[][] = [[]];
  const ownTail: number[][] = [[]];
  const add = (word: string, atom: number, into: number[][]) => {
    let st = 0;
    for (let i = 0; i < word.length; i++) {
      const sym = infixSymbol(wide, word.charCodeAt(i));
      let next = (go[st] as Int32Array)[sym] as number;
      if (next === -1) {
        next = go.length;
        go.push(new Int32Array(width).fill(-1));
        ownInner.push([]);
        ownTail.push([]);
        (go[st] as Int32Array)[sym] = next;
      }
      st = next;
    }
    (into[st] as number[]).push(atom);
  };
  for (const [w, a] of innerAtoms) add(w, a, ownInner);
  for (const [w, a] of tailAtoms) add(w, a, ownTail);
  const n = go.length;
  const fail = new Int32Array(n);
  const inner: Array<readonly number[]> = new Array(n);
  const tail: Array<readonly number[]> = new Array(n);
  inner[0] = [];
  tail[0] = [];
  // Breadth first, so a state's failure target (shallower) is complete before the state.
  const queue: number[] = [];
  const root = go[0] as Int32Array;
  for (let s = 0; s < width; s++) {
    const child = root[s] as number;
    if (child === -1) root[s] = 0;
    else queue.push(child);
  }
  for (let q = 0; q < queue.length; q++) {
    const st = queue[q] as number;
    const f = fail[st] as number;
    inner[st] = [...(ownInner[st] as number[]), ...(inner[f] as readonly number[])];
    tail[st] = [...(ownTail[st] as number[]), ...(tail[f] as readonly number[])];
    const row = go[st] as Int32Array;
    const frow = go[f] as Int32Array;
    for (let s = 0; s < width; s++) {
      const child = row[s] as number;
      if (child === -1) row[s] = frow[s] as number;
      else {
        fail[child] = frow[s] as number;
        queue.push(child);
      }
    }
  }
  // Renumber: the root stays 0, states where inner words end go last.
  const order = [...Array(n).keys()].sort(
    (a, b) =>
      Number((inner[a] as readonly number[]).length > 0) -
        Number((inner[b] as readonly number[]).length > 0) || a - b,
  );
  const number = new Int32Array(n);
  order.forEach((old, k) => {
    number[old] = k;
  });
  const delta = n * width <= 0xffff ? new Uint16Array(n * width) : new Int32Array(n * width);
  for (let old = 0; old < n; old++) {
    const row = go[old] as Int32Array;
    const base = (number[old] as number) * width;
    for (let s = 0; s < width; s++) delta[base + s] = (number[row[s] as number] as number) * width;
  }
  const firstInner = order.findIndex((old) => (inner[old] as readonly number[]).length > 0);
  return {
    wide,
    width,
    delta,
    innerFrom: (firstInner < 0 ? n : firstInner) * width,
    inner: order.map((old) => inner[old] as readonly number[]),
    tail: order.map((old) => tail[old] as readonly number[]),
  };
}

/** Home slot of a (node, code unit) transition. */
export function trieSlot(node: number, code: number, mask: number): number {
  // Multiplicative hashing puts its entropy in the high bits: fold them down before masking.
  const h = Math.imul(node ^ Math.imul(code, 0x85ebca77), 0x9e3779b1);
  return (h ^ (h >>> 16)) & mask;
}

/** Parses and compiles measures and the stage cues into one set; throws MeasureQueryError. */
export function compileSet(measures: readonly Measure[]): CompiledSet {
  const dag = new DagBuilder();
  const parsed = new Map<string, QueryNode>();
  const groups = new Map<string, QueryNode>();
  const compileClause = (id: string, clause: QueryClause, text: string) => {
    // Identical clause texts (the shared requires blocks) and groups are parsed once.
    let ast = parsed.get(text);
    if (ast === undefined) {
      ast = parseQuery(text, id, clause, groups);
      parsed.set(text, ast);
    }
    return dag.compile(ast);
  };
  const atomMeasures: number[][] = [];
  const alwaysEvaluate: number[] = [];
  const compiled: CompiledMeasure[] = measures.map((measure, index) => {
    const query = compileClause(measure.id, 'query', measure.query);
    const requires = measure.requires ? compileClause(measure.id, 'requires', measure.requires) : null;
    const excludes = measure.excludes ? compileClause(measure.id, 'excludes', measure.excludes) : null;
    return { measure, index, query, requires, excludes };
  });
  const stageCues = STAGES.map((stage) => ({
    stage,
    node: compileClause('stage-cues', 'query', cueQuery(STAGE_CUES[stage])),
  }));
  const contextCues = CONTEXT_KINDS.map((kind) => {
    const trigger = CONTEXT_TRIGGERS[kind];
    return {
      kind,
      trigger: trigger === null ? null : compileClause('context-cues', 'query', trigger),
      node: compileClause('context-cues', 'query', CONTEXT_CUES[kind]),
    };
  });
  const contextExceptions = compileClause('context-cues', 'query', NEGATION_EXCEPTIONS);
  const modalCues = new Map<string, Stage>();
  for (const stage of STAGES) {
    for (const cue of MODAL_CUES[stage]?.match(/"[^"]*"|\S+/g) ?? []) modalCues.set(foldText(cue), stage);
  }
  const modalMaxWords = Math.max(1, ...[...modalCues.keys()].map((k) => k.split(' ').length));
  const nounMarkers: ReadonlySet<string> = new Set(NOUN_MARKERS.split(' ').map(foldText));
  const { atoms } = dag;
  const need = dag.addGates([
    ...compiled.flatMap((cm) => [cm.query, cm.requires, cm.excludes].filter((n) => n !== null)),
    ...stageCues.map((c) => c.node),
    ...contextCues.flatMap((c) => (c.trigger === null ? [c.node] : [c.trigger, c.node])),
    contextExceptions,
  ]);
  while (atomMeasures.length < atoms.count) atomMeasures.push([]);
  const atomPhrases: number[][] = Array.from({ length: atoms.count }, () => []);
  // Tracked atoms: terms, OR-list members and phrase anchors. A word found only inside phrases,
  // after their anchor, needs no positions of its own (see Trie.tokenTracked).
  const tracked = new Uint8Array(atoms.count);
  for (const ph of dag.phrases) {
    need(ph); // sets the phrase's anchor: its rarest-looking atom
    (atomPhrases[ph.anchor] as number[]).push(ph.pid);
    tracked[ph.anchor] = 1;
  }
  for (const node of dag.terms) tracked[node.atom] = 1;
  for (const node of dag.anys) for (const a of node.atoms) tracked[a] = 1;
  for (const { query, index } of compiled) {
    if (trueOnEmpty(query)) {
      alwaysEvaluate.push(index);
      continue;
    }
    // A measure is a candidate only when an atom its query cannot hold without occurs (the
    // rarest-looking necessary set), not on any atom it mentions: with many measures, most
    // mention some common word of every item.
    for (const a of need(query) ?? atomsOf(query)) (atomMeasures[a] as number[]).push(index);
  }
  const trie = new TrieBuilder();
  for (const [p, a] of atoms.prefixAtoms) trie.addPrefix(p, a);
  for (const [w, a] of atoms.exactAtoms) trie.addWord(w, a);
  for (const [s, a] of atoms.stemAtoms) for (const w of inflections(s)) trie.addWord(w, a);
  const rulesVersion = lazyRulesVersion(measures);
  return {
    measures: compiled,
    trie: trie.build(tracked),
    stemAtoms: atoms.stemAtoms,
    exactAtoms: atoms.exactAtoms,
    prefixAtoms: atoms.prefixAtoms,
    innerAtoms: atoms.innerAtoms,
    tailAtoms: atoms.tailAtoms,
    infix: buildInfixMatcher(atoms.innerAtoms, atoms.tailAtoms),
    atomCount: atoms.count,
    nodeCount: dag.nodes.count,
    nodes: dag.nodes.list,
    anyCount: dag.anys.length,
    anys: dag.anys,
    phraseCount: dag.phrases.length,
    atomPhrases: toPostings(atomPhrases, atoms.count),
    atomMeasures: toPostings(atomMeasures, atoms.count),
    atomLongAnys: longAnyPostings(dag.anys, atoms.count),
    alwaysEvaluate,
    stageCues,
    contextCues,
    contextExceptions,
    modalCues,
    modalMaxWords,
    nounMarkers,
    get rulesVersion(): string {
      return rulesVersion();
    },
  };
}

/** An `any` list with more atoms than this is long: see CompiledSet.atomLongAnys and memberTable. */
export const LONG_ANY = 16;

/** Atom → the long `any` lists holding it (CompiledSet.atomLongAnys). */
export function longAnyPostings(
  anys: ReadonlyArray<Extract<CompiledNode, { k: 'any' }>>,
  atomCount: number,
): Postings {
  const lists: number[][] = Array.from({ length: atomCount }, () => []);
  for (const node of anys) {
    if (node.atoms.length <= LONG_ANY) continue;
    for (const a of node.atoms) (lists[a] as number[]).push(node.slot);
  }
  return toPostings(lists, atomCount);
}

/**
 * A long OR-list's membership table (built on first use), so collecting its evidence costs the
 * item's atoms, not the list's.
 */
export function memberTable(node: Extract<CompiledNode, { k: 'any' }>, atomCount: number): Uint8Array {
  if (node.member === null) {
    const member = new Uint8Array(atomCount);
    for (const a of node.atoms) member[a] = 1;
    node.member = member;
  }
  return node.member;
}

/**
 * The rules version of a measure set, hashed on first call: `radar classify` never reads it, and
 * hashing costs a cold start ~8 ms. The fields it covers are copied now, so a caller mutating its
 * Measure objects later cannot change it.
 */
export function lazyRulesVersion(measures: readonly Measure[], cues: unknown = BUILT_IN_CUES): () => string {
  const fingerprint = measures.map((m) => [m.id, m.severity, m.query, m.requires, m.excludes]);
  let version: string | null = null;
  return () => {
    // The built-in stage and context cues decide matches too: a change to them is a new version.
    version ??= stableHash(JSON.stringify([ENGINE_VERSION, cues, fingerprint]));
    return version;
  };
}

/** The engine's own cue lists (stage.ts, context.ts), part of every rules version. */
const BUILT_IN_CUES = [
  STAGE_CUES,
  MODAL_CUES,
  NOUN_MARKERS,
  CONTEXT_CUES,
  CONTEXT_TRIGGERS,
  NEGATION_EXCEPTIONS,
];
