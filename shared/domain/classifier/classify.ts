/**
 * The matcher: scans an item once, walking the compiled trie while it tokenises (no per-token
 * strings or map lookups), then evaluates only the measures whose atoms occur. Every DAG node's
 * boolean result and evidence are memoised per item, so sub-expressions shared by measures cost
 * once. Pure in its results: the scratch buffers are reused between calls for speed but never
 * change what a call returns.
 */
import type { ClassifiableText, Evidence, Measure, MeasureMatch, Stage } from '../types.js';
import {
  ASCII_SYMBOL,
  type CompiledMeasure,
  type CompiledNode,
  type CompiledSet,
  FIELD_BOTH,
  FIELD_SUMMARY,
  FIELD_TITLE,
  type InfixMatcher,
  infixSymbol,
  LONG_ANY,
  memberTable,
  type Trie,
  toPostings,
} from './compile.js';
import { type ContextHit, type ContextKind, type ContextLayout, contextMask } from './context.js';
import { APOSTROPHES, ASCII_WORD, charInfo, foldText, isWordAt, KIND_SEP, KIND_WORD } from './normalise.js';
import { type CueHit, MODAL_REACH, pickStage } from './stage.js';

/** A compiled measure set that classifies item text. */
export interface Classifier {
  /** Stable hash of the compiled measures (and engine version). */
  readonly rulesVersion: string;
  readonly measures: readonly Measure[];
  /** Matches in measure order; never throws. */
  classify(text: ClassifiableText): MeasureMatch[];
}

/** Whether one clause of a measure held on a text, and the spans that made it hold. */
export interface ClauseExplanation {
  matched: boolean;
  evidence: Evidence[];
}

/** Why a measure did or did not match a text (for `radar explain`). */
export interface MeasureExplanation {
  measureId: string;
  matched: boolean;
  query: ClauseExplanation;
  requires: ClauseExplanation | null;
  excludes: ClauseExplanation | null;
  score: number | null;
  stage: Stage | null;
  /** True when it would match but for words a context cue hides (see explainContext). */
  hiddenByContext: boolean;
}

/** A context cue found in a text and the words it hides from every measure. */
export interface ContextExplanation {
  kind: ContextKind;
  cue: Evidence;
  /** Runs of hidden words (empty: a negation in a clause about a veto or a package hides nothing). */
  hidden: Evidence[];
}

type Hits = readonly number[];

/**
 * An OR node's children split in two: its phrases, as their pids (tested first through the
 * per-item phrase stamps, a typed-array read each, instead of a call each) and nodes, and the rest
 * in their compiled order. The shared blocks are ORs of hundreds of phrases, few of which occur
 * in any one item.
 */
interface OrParts {
  readonly pids: Int32Array;
  readonly phrases: readonly CompiledNode[];
  readonly others: readonly CompiledNode[];
}

const EMPTY_HITS: Hits = [];
/** Evidence spans per match (query phrases first). */
const MAX_EVIDENCE = 6;
/** Spans listed per clause by explain, and counted for the score (which predates phrase evidence). */
const MAX_LISTED_SPANS = 20;
/** Max token distance between a stage cue and the evidence it qualifies. */
const STAGE_WINDOW = 12;
/** Memo slots per DAG node: one per field mask (0 none, 1 title, 2 summary, 3 both). */
const SLOTS = 4;

/** True when text[from, to) has ".", "!", "?" or ";" followed by white space (as /[.!?;]\s/ tests). */
function hasSentenceEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i + 1 < to; i++) {
    const c = text.charCodeAt(i);
    if ((c === 46 || c === 33 || c === 63 || c === 59) && isSpace(text.charCodeAt(i + 1))) return true;
  }
  return false;
}

/** True when every code unit of the token is an ASCII letter or digit. */
function isAsciiWord(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 128 || ASCII_WORD[c] !== 1) return false;
  }
  return true;
}

/** JavaScript's \s. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Classifier over one compiled measure set; also explains per-clause results. */
export class CompiledClassifier implements Classifier {
  readonly measures: readonly Measure[];

  private readonly set: CompiledSet;
  private readonly measureById: ReadonlyMap<string, CompiledMeasure>;
  private readonly trie: Trie;
  private readonly infix: InfixMatcher | null;
  /** Inner/tail atoms found in the current token (scratch for the scan), and the same as Int32Array. */
  private readonly infixFound: number[] = [];
  private readonly infixData: Int32Array;
  /** Per inner/tail matcher state (by its row offset): 1 when tail atoms end there. */
  private readonly tailAt: Uint8Array;
  /** Per phrase: the index of its anchor among its words. */
  private readonly anchorAt: Int32Array;
  /** Per token position: equals itemGen when an inner or word-end atom matched there (a compound). */
  private compoundStamp = new Int32Array(256);
  /** The generation load() gave the current item (hide() moves gen on, not this). */
  private itemGen = 0;
  // Per-item scratch state, reset by load() / clear().
  private title = '';
  private summary = '';
  /** Position of the gap between title and summary tokens; title positions are < split. */
  private split = 0;
  private pos = 0;
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  /** Per token position: trie node × 2, + 1 when the token ended on it (see Trie.tokenAtoms). */
  private posTok = new Int32Array(256);
  /**
   * Positions of each atom in the current item, as linked lists in flat typed arrays (cache-friendly
   * with thousands of atoms): occurrence o is at occPos[o], the atom's next one at occNext[o] (-1:
   * last); atomHead[a] is its first (-1: none), atomTail[a] its last.
   */
  private occPos = new Int32Array(512);
  private occNext = new Int32Array(512);
  private occCount = 0;
  private readonly atomHead: Int32Array;
  private readonly atomTail: Int32Array;
  /**
   * Atom → the long `any` lists that hold it (set.atomLongAnys), as indexes into eagerMask:
   * eagerData[anyStart[a] … anyStart[a + 1]).
   */
  private readonly anyStart: Int32Array;
  private readonly eagerData: Int32Array;
  /** Per `any` slot: its index in eagerMask when it is a long list, else -1. */
  private readonly eagerOf: Int32Array;
  /** Per long `any` list: the fields its atoms occur in for the current item, kept by the scan. */
  private readonly eagerMask: Uint8Array;
  /** Per token code (trie node × 2, + 1 when the token ended there): its tracked atoms (Trie.tokenTracked). */
  private readonly tokTrackedStart: Int32Array;
  private readonly tokTrackedData: Int32Array;
  /** Per token code: all its atoms, tracked or not (Trie.tokenAtoms: phrases check their other words here). */
  private readonly tokAtomsStart: Int32Array;
  private readonly tokAtomsData: Int32Array;
  /** Atom → pids of the phrases it anchors (set.atomPhrases), flattened. */
  private readonly phraseStart: Int32Array;
  private readonly phraseData: Int32Array;
  /** Per phrase: equals gen when its anchor occurs in the item (a phrase cannot hold otherwise). */
  private readonly phraseStamp: Int32Array;
  /** Phrase → the OR nodes holding it among their phrase children (OrParts), flattened. */
  private readonly phraseOrStart: Int32Array;
  private readonly phraseOrData: Int32Array;
  /**
   * Per OR node: how many of its phrase children are stamped in this generation (valid when
   * orLiveStamp equals gen, else none), so its phrase loop stops after the last one.
   */
  private readonly orLiveStamp: Int32Array;
  private readonly orLiveCount: Int32Array;
  /** The phrases stamped in this generation (livePhrases[0, liveCount)), counted on first need. */
  private readonly livePhrases: Int32Array;
  private liveCount = 0;
  /** The generation whose live phrases orLiveCount holds. */
  private countedGen = 0;
  /** Atom → measures (set.atomMeasures), flattened. */
  private readonly measureStart: Int32Array;
  private readonly measureData: Int32Array;
  /** Per atom: the fields (FIELD_TITLE | FIELD_SUMMARY) it occurs in for the current item. */
  private readonly atomMask: Uint8Array;
  private readonly touched: number[] = [];
  /**
   * Per short `any` node slot: the fields its atoms occur in for the current item, computed on
   * first test (valid when anyStamp equals gen), so the many short OR-lists of a large measure set
   * cost nothing unless a candidate measure tests them. Long lists (the shared blocks, tested for
   * most items) are kept up to date by the scan in eagerMask, cleared whole per item.
   */
  private readonly anyMask: Uint8Array;
  private readonly anyStamp: Int32Array;
  /** The atoms of each `any` slot, flattened: anyAtomData[anyAtomStart[slot] … anyAtomStart[slot + 1]). */
  private readonly anyAtomStart: Int32Array;
  private readonly anyAtomData: Int32Array;
  private readonly candidate: Uint8Array;
  private readonly candidateList: number[] = [];
  private cues: CueHit[] | null = null;
  /** Per cue of `cues`: resolved by resolveCue (null: dropped), or undefined while not needed. */
  private resolved: Array<CueHit | null | undefined> | null = null;
  /** Sentence number per token position (valid when sentencesReady), a buffer kept between items. */
  private sentenceOfPos = new Int32Array(256);
  private sentencesReady = false;
  /** Clause number per token position (clauseIds), a buffer kept between items. */
  private clauseOfPos = new Int32Array(256);
  /** Item generation: a memo slot is valid when its stamp equals it. */
  private gen = 0;
  private readonly testStamp: Int32Array;
  private readonly testValue: Uint8Array;
  private readonly hitStamp: Int32Array;
  private readonly hitValue: Array<Hits | null>;
  /** Per node id: an OR node's phrase children apart (OrParts), null for other nodes and ORs without phrases. */
  private readonly orParts: Array<OrParts | null>;
  /**
   * Per OR node id: the gates (nodeGates) of its non-phrase children in order (OrParts.others, or all
   * children). An OR skips a child whose gate fails before testing it: most children of a long OR
   * (an exclusion list) fail on their first word.
   */
  private readonly orChildGates: Array<Int32Array | null>;

  get rulesVersion(): string {
    return this.set.rulesVersion;
  }

  constructor(set: CompiledSet) {
    this.set = set;
    this.trie = set.trie;
    this.infix = set.infix;
    this.infixData = new Int32Array(set.innerAtoms.size + set.tailAtoms.size);
    this.tailAt = new Uint8Array(set.infix === null ? 0 : set.infix.delta.length);
    if (set.infix !== null)
      for (let st = 0; st < set.infix.tail.length; st++)
        if ((set.infix.tail[st] as readonly number[]).length > 0) this.tailAt[st * set.infix.width] = 1;
    this.anchorAt = new Int32Array(set.phraseCount);
    for (const node of set.nodes)
      if (node.k === 'phrase') this.anchorAt[node.pid] = node.atoms.indexOf(node.anchor);
    this.measures = Object.freeze(set.measures.map((m) => m.measure));
    this.measureById = new Map(set.measures.map((m) => [m.measure.id, m]));
    this.atomHead = new Int32Array(set.atomCount).fill(-1);
    this.atomTail = new Int32Array(set.atomCount);
    ({ start: this.measureStart, data: this.measureData } = set.atomMeasures);
    ({ start: this.phraseStart, data: this.phraseData } = set.atomPhrases);
    ({ start: this.tokTrackedStart, data: this.tokTrackedData } = set.trie.tokenTracked);
    ({ start: this.tokAtomsStart, data: this.tokAtomsData } = set.trie.tokenAtoms);
    this.anyStart = set.atomLongAnys.start;
    this.eagerOf = new Int32Array(set.anyCount).fill(-1);
    let eagerCount = 0;
    for (const node of set.anys) if (node.atoms.length > LONG_ANY) this.eagerOf[node.slot] = eagerCount++;
    this.eagerMask = new Uint8Array(eagerCount);
    this.eagerData = set.atomLongAnys.data.map((slot) => this.eagerOf[slot] as number);
    ({ start: this.anyAtomStart, data: this.anyAtomData } = toPostings(
      Array.from({ length: set.anyCount }, (_, slot) => set.anys[slot]?.atoms ?? []),
      set.anyCount,
    ));
    this.phraseStamp = new Int32Array(set.phraseCount);
    this.atomMask = new Uint8Array(set.atomCount);
    this.anyMask = new Uint8Array(set.anyCount);
    this.anyStamp = new Int32Array(set.anyCount);
    this.candidate = new Uint8Array(set.measures.length);
    this.testStamp = new Int32Array(set.nodeCount * SLOTS);
    this.testValue = new Uint8Array(set.nodeCount * SLOTS);
    this.hitStamp = new Int32Array(set.nodeCount * SLOTS);
    this.hitValue = new Array<Hits | null>(set.nodeCount * SLOTS).fill(null);
    this.orParts = new Array<OrParts | null>(set.nodeCount).fill(null);
    this.orLiveStamp = new Int32Array(set.nodeCount);
    this.orLiveCount = new Int32Array(set.nodeCount);
    this.livePhrases = new Int32Array(set.phraseCount);
    const gateOf = nodeGates(set.nodes, set.nodeCount);
    this.orChildGates = new Array<Int32Array | null>(set.nodeCount).fill(null);
    for (const node of set.nodes) {
      if (node.k !== 'or') continue;
      const phrases = node.children.filter((c) => c.k === 'phrase');
      const others = phrases.length === 0 ? node.children : node.children.filter((c) => c.k !== 'phrase');
      if (phrases.length > 0)
        this.orParts[node.id] = {
          pids: Int32Array.from(phrases, (c) => (c as Extract<CompiledNode, { k: 'phrase' }>).pid),
          phrases,
          others,
        };
      this.orChildGates[node.id] = Int32Array.from(others, (c) => gateOf[c.id] as number);
    }
    ({ start: this.phraseOrStart, data: this.phraseOrData } = phraseOrs(this.orParts, set.phraseCount));
  }

  classify(text: ClassifiableText): MeasureMatch[] {
    this.load(text);
    try {
      if (this.candidateList.length === 0 && this.set.alwaysEvaluate.length === 0) return [];
      const out = this.matchCandidates();
      // Context cues are looked for only when something matched: most items match nothing.
      const mask = out.length > 0 ? this.contextMaskOf() : null;
      if (mask === null) return out;
      // A match none of whose query or requires words is hidden stands as it is; the others are
      // re-evaluated without the hidden words. Only measures that matched are: hiding a word can
      // undo a match, and a measure it un-excludes does not match on that account.
      const affected = out.map((m) => this.usesMasked(m.measureId, mask));
      if (!affected.includes(true)) return out;
      this.hide(mask);
      const kept: MeasureMatch[] = [];
      for (let i = 0; i < out.length; i++) {
        const m = out[i] as MeasureMatch;
        const cm = this.measureById.get(m.measureId);
        const again = affected[i] !== true ? m : cm === undefined ? null : this.evaluateMeasure(cm);
        if (again) kept.push(again);
      }
      return kept;
    } finally {
      this.clear();
    }
  }

  /** Evaluates every clause of every measure (or one) on the text, whether or not it matched. */
  explain(text: ClassifiableText, measureId?: string): MeasureExplanation[] {
    // Whether a measure matched, its score and stage: exactly what classify says.
    const final = new Map(this.classify(text).map((m) => [m.measureId, m]));
    this.load(text);
    try {
      const chosen = this.set.measures.filter((cm) => measureId === undefined || cm.measure.id === measureId);
      const before = chosen.map((cm) => this.evaluateMeasure(cm) !== null);
      const mask = this.contextMaskOf();
      if (mask !== null) this.hide(mask);
      return chosen.map((cm, i) => {
        const match = final.get(cm.measure.id);
        return {
          measureId: cm.measure.id,
          matched: match !== undefined,
          ...this.explainClauses(cm),
          score: match?.score ?? null,
          stage: match?.stage ?? null,
          hiddenByContext: before[i] === true && match === undefined,
        };
      });
    } finally {
      this.clear();
    }
  }

  /**
   * The context cues found in the text (background, impact, speculation, negated action) and the
   * words each hides from the measures (for `radar explain`).
   */
  explainContext(text: ClassifiableText): ContextExplanation[] {
    this.load(text);
    try {
      const input = this.contextInput();
      if (input === null) return [];
      return input.hits.map((hit) => {
        const mask = contextMask([hit], input.layout, input.exceptions);
        const runs: number[] = [];
        for (let p = 0; p < this.pos; p++) {
          if (mask[p] !== 1 || p === this.split) continue;
          const last = runs.length - 1;
          // The gap token at split is skipped, so a run never joins the two fields.
          if (last > 0 && runs[last] === p) runs[last] = p + 1;
          else runs.push(p, p + 1);
        }
        return {
          kind: hit.kind,
          cue: this.toEvidence([hit.start, hit.end])[0] as Evidence,
          hidden: this.toEvidence(runs),
        };
      });
    } finally {
      this.clear();
    }
  }

  private matchCandidates(): MeasureMatch[] {
    const out: MeasureMatch[] = [];
    for (const index of this.candidates()) {
      const cm = this.set.measures[index] as CompiledMeasure;
      const match = this.evaluateMeasure(cm);
      if (match) out.push(match);
    }
    return out;
  }

  /**
   * Token positions (1) governed by a background, speculation or negation cue (context.ts), or
   * null when there are none.
   */
  private contextMaskOf(): Uint8Array | null {
    const input = this.contextInput();
    return input === null ? null : contextMask(input.hits, input.layout, input.exceptions);
  }

  /** The context cues of the loaded item, its clause layout and the negation exceptions; null: no cue. */
  private contextInput(): { hits: ContextHit[]; layout: ContextLayout; exceptions: number[] } | null {
    const hits = this.contextHits();
    if (hits.length === 0) return null;
    const exceptions: number[] = [];
    if (hits.some((h) => h.kind === 'negation')) {
      const ex = this.evaluate(this.set.contextExceptions, FIELD_BOTH) ?? EMPTY_HITS;
      for (let i = 0; i < ex.length; i += 2) exceptions.push(ex[i] as number);
    }
    const clauses = this.clauseIds();
    const layout: ContextLayout = {
      count: this.pos,
      clauseOf: (p) => (p < this.pos ? (clauses[p] as number) : 0),
      sentenceOf: this.sentenceOf,
    };
    return { hits, layout, exceptions };
  }

  /**
   * Takes the words at the masked positions out of the loaded item, as if they were not there
   * (positions stay, so NEAR distances and evidence offsets do not shift), and drops every memo.
   */
  private hide(mask: Uint8Array): void {
    const { occPos, occNext, atomHead, atomMask, touched } = this;
    for (let i = 0; i < touched.length; i++) {
      const a = touched[i] as number;
      let prev = -1;
      let fields = 0;
      for (let o = atomHead[a] as number; o !== -1; o = occNext[o] as number) {
        const p = occPos[o] as number;
        if (mask[p] === 1) {
          if (prev === -1) atomHead[a] = occNext[o] as number;
          else occNext[prev] = occNext[o] as number;
          continue;
        }
        prev = o;
        fields |= this.fieldOf(p);
      }
      if (prev !== -1) this.atomTail[a] = prev;
      atomMask[a] = fields;
    }
    for (let p = 0; p < this.pos; p++) if (mask[p] === 1) this.posTok[p] = 0;
    // The scan keeps the long OR-lists' field masks: recompute them from what is left, through each
    // remaining atom's postings (the lists the scan updated are exactly those of touched atoms).
    const { eagerMask, anyStart, eagerData } = this;
    eagerMask.fill(0);
    for (let i = 0; i < touched.length; i++) {
      const a = touched[i] as number;
      const fields = atomMask[a] as number;
      if (fields === 0) continue;
      const end = anyStart[a + 1] as number;
      for (let j = anyStart[a] as number; j < end; j++) {
        const e = eagerData[j] as number;
        eagerMask[e] = (eagerMask[e] as number) | fields;
      }
    }
    this.gen++;
    // The new generation voids the phrase stamps too: renew those whose anchor is still there.
    this.liveCount = 0;
    for (let i = 0; i < touched.length; i++) {
      const a = touched[i] as number;
      if (atomMask[a] === 0) continue;
      const end = this.phraseStart[a + 1] as number;
      for (let j = this.phraseStart[a] as number; j < end; j++)
        this.stampPhrase(this.phraseData[j] as number);
    }
    this.cues = null;
    this.resolved = null;
  }

  /** True when a token of the measure's query or requires hits (memoised already) is blanked. */
  private usesMasked(measureId: string, mask: Uint8Array): boolean {
    const cm = this.measureById.get(measureId);
    if (cm === undefined) return true;
    for (const node of [cm.query, cm.requires]) {
      if (node === null) continue;
      const hits = this.evaluate(node, FIELD_BOTH) ?? EMPTY_HITS;
      for (let i = 0; i + 1 < hits.length; i += 2)
        for (let p = hits[i] as number; p < (hits[i + 1] as number); p++) if (mask[p] === 1) return true;
    }
    return false;
  }

  /** Context cues found in the loaded text. */
  private contextHits(): ContextHit[] {
    const hits: ContextHit[] = [];
    for (const { kind, trigger, node } of this.set.contextCues) {
      if ((trigger !== null && !this.test(trigger, FIELD_BOTH)) || !this.test(node, FIELD_BOTH)) continue;
      const spans = this.evaluate(node, FIELD_BOTH) ?? EMPTY_HITS;
      for (let i = 0; i + 1 < spans.length; i += 2)
        hits.push({ kind, start: spans[i] as number, end: spans[i + 1] as number });
    }
    return hits;
  }

  /** Clause number of every token position: clauses end where sentences do and at , ; : ( ) dashes. */
  private clauseIds(): Int32Array {
    if (this.clauseOfPos.length < this.pos) this.clauseOfPos = new Int32Array(this.pos * 2);
    const ids = this.clauseOfPos;
    ids[0] = 0;
    let id = 0;
    for (let p = 1; p < this.pos; p++) {
      if (p === this.split || p === this.split + 1 || this.sentenceBreakBefore(p)) id++;
      else {
        const source = p < this.split ? this.title : this.summary;
        const to = this.starts[p] as number;
        for (let k = this.ends[p - 1] as number; k < to; k++) {
          const c = source.charCodeAt(k);
          // , ; : ( ) [ ] em dash, en dash, and a hyphen standing alone between spaces
          if (
            c === 44 ||
            c === 59 ||
            c === 58 ||
            c === 40 ||
            c === 41 ||
            c === 91 ||
            c === 93 ||
            c === 0x2014 ||
            c === 0x2013 ||
            (c === 45 && isSpace(source.charCodeAt(k - 1)) && isSpace(source.charCodeAt(k + 1)))
          ) {
            id++;
            break;
          }
        }
      }
      ids[p] = id;
    }
    return ids;
  }

  /** Atoms of each token of `text` (folded as `tokenize` folds it), for tests and tooling. */
  tokenAtoms(text: string): Array<readonly number[]> {
    this.load({ title: text, summary: null });
    try {
      const out: number[][] = [];
      for (let p = 0; p < this.split; p++) {
        const t = this.posTok[p] as number;
        out.push(Array.from(this.tokAtomsData.subarray(this.tokAtomsStart[t], this.tokAtomsStart[t + 1])));
      }
      // The inner and tail atoms the scan recorded, from their occurrences.
      for (const a of this.touched)
        for (let o = this.atomHead[a] as number; o !== -1; o = this.occNext[o] as number) {
          const list = out[this.occPos[o] as number];
          if (list !== undefined && !list.includes(a)) list.push(a);
        }
      return out;
    } finally {
      this.clear();
    }
  }

  /** One trie transition; -1 when the trie has no edge for this code unit. */
  private step(node: number, code: number): number {
    const { tabNode, tabCode, tabChild, tabMask } = this.trie;
    const x = Math.imul(node ^ Math.imul(code, 0x85ebca77), 0x9e3779b1);
    let h = (x ^ (x >>> 16)) & tabMask;
    for (;;) {
      const n = tabNode[h] as number;
      if (n === -1) return -1;
      if (n === node && tabCode[h] === code) return tabChild[h] as number;
      h = (h + 1) & tabMask;
    }
  }

  /**
   * Tokenises `text` exactly like normalise.forEachToken (same boundaries, folding and possessive
   * rule), walking the trie with each folded code unit instead of building the token string.
   */
  private scan(text: string, field: number): void {
    const n = text.length;
    const { dense, next } = this.trie;
    // The inner/tail matcher walks alongside the trie (infix null: a measure set without them).
    const infix = this.infix;
    const delta = infix === null ? NO_DELTA : infix.delta;
    const innerFrom = infix === null ? 0 : infix.innerFrom;
    const found = this.infixFound;
    const tailAt = this.tailAt;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c < 128) {
        if ((ASCII_SYMBOL[c] as number) < 0) {
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
      const start = i;
      let node = 0;
      let last = 0;
      let st = 0;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c < 128) {
          // ASCII_SYMBOL folds upper case and is -1 for every non-word code unit.
          const sym = ASCII_SYMBOL[c] as number;
          if (sym < 0) break;
          if (infix !== null) {
            st = delta[st + sym] as number;
            if (st >= innerFrom) collect(found, infix.inner[st / infix.width] as readonly number[]);
          }
          if (node >= 0) {
            const x = next[node] as number;
            node = x < 0 ? (dense[sym - x - 1] as number) : (x & 63) === sym ? x >> 6 : -1;
            if (node >= 0) last = node;
          }
          i++;
          continue;
        }
        const cp = text.codePointAt(i) ?? c;
        const info = charInfo(cp);
        if (info.kind === KIND_SEP) break;
        const fold = info.fold;
        for (let k = 0; k < fold.length && node >= 0; k++) {
          node = this.step(node, fold.charCodeAt(k));
          if (node >= 0) last = node;
        }
        if (infix !== null) st = this.stepInfix(infix, st, fold);
        i += cp > 0xffff ? 2 : 1;
      }
      this.addToken(start, i, node >= 0 ? node * 2 + 1 : last * 2, field);
      if (infix !== null) {
        if (tailAt[st] === 1) collect(found, infix.tail[st / infix.width] as readonly number[]);
        if (found.length > 0) this.addInfixAtoms(field);
      }
      // Drop an English possessive: word + apostrophe + s + non-word.
      const q = i + 1 < n ? text.charCodeAt(i) : 0;
      if ((q === 0x27 || q === 0x2019 || q === 0x02bc || q === 0x2018) && APOSTROPHES.has(q)) {
        const s = text.charCodeAt(i + 1);
        if ((s === 115 || s === 83) && !isWordAt(text, i + 2)) i += 2;
      }
    }
  }

  /** Steps the inner/tail matcher over a folded non-ASCII character; inner atoms go to infixFound. */
  private stepInfix(infix: InfixMatcher, from: number, fold: string): number {
    let st = from;
    for (let k = 0; k < fold.length; k++) {
      const sym = infixSymbol(infix.wide, fold.charCodeAt(k));
      st = sym < 0 ? 0 : (infix.delta[st + sym] as number);
      if (st >= infix.innerFrom) collect(this.infixFound, infix.inner[st / infix.width] as readonly number[]);
    }
    return st;
  }

  /** Records the inner/tail atoms found in the token just added (a compound: see near()). */
  private addInfixAtoms(field: number): void {
    const found = this.infixFound;
    const p = this.pos - 1;
    if (p >= this.compoundStamp.length) {
      const grown = new Int32Array(this.starts.length);
      grown.set(this.compoundStamp);
      this.compoundStamp = grown;
    }
    this.compoundStamp[p] = this.itemGen;
    const data = this.infixData;
    for (let k = 0; k < found.length; k++) data[k] = found[k] as number;
    this.addAtoms(p, data, 0, found.length, field);
    found.length = 0;
  }

  /** True when the token at position p has the atom (tracked or not; posTok: its token code). */
  private tokenHas(p: number, atom: number): boolean {
    const t = this.posTok[p] as number;
    const end = this.tokAtomsStart[t + 1] as number;
    for (let i = this.tokAtomsStart[t] as number; i < end; i++)
      if (this.tokAtomsData[i] === atom) return true;
    return false;
  }

  /** Records token p; `tok` is its trie node × 2, + 1 when it ended on that node (0: no atoms). */
  private addToken(start: number, end: number, tok: number, field: number): void {
    const p = this.pos++;
    if (p >= this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.posTok = grow(this.posTok);
    }
    this.starts[p] = start;
    this.ends[p] = end;
    this.posTok[p] = tok;
    // Most tokens have no tracked atom: one read of a flat offset table tells.
    const from = this.tokTrackedStart[tok] as number;
    const to = this.tokTrackedStart[tok + 1] as number;
    if (from !== to) this.addAtoms(p, this.tokTrackedData, from, to, field);
  }

  /** Records the atoms data[from, to) at position p (the trie's tracked atoms, or inner/tail ones). */
  private addAtoms(p: number, data: Int32Array, from: number, to: number, field: number): void {
    // Room for every occurrence first, so the arrays can be held in locals through the loop.
    while (this.occCount + (to - from) > this.occPos.length) this.growOccurrences();
    const { occPos, occNext, atomHead, atomTail, atomMask, anyStart, eagerData, eagerMask } = this;
    for (let i = from; i < to; i++) {
      const a = data[i] as number;
      const was = atomMask[a] as number;
      const o = this.occCount++;
      occPos[o] = p;
      occNext[o] = -1;
      if (was === 0) atomHead[a] = o;
      else occNext[atomTail[a] as number] = o;
      atomTail[a] = o;
      if ((was & field) !== 0) continue;
      if (was === 0) this.touch(a);
      atomMask[a] = was | field;
      const end = anyStart[a + 1] as number;
      for (let j = anyStart[a] as number; j < end; j++) {
        const e = eagerData[j] as number;
        eagerMask[e] = (eagerMask[e] as number) | field;
      }
    }
  }

  private growOccurrences(): void {
    const pos = new Int32Array(this.occPos.length * 2);
    pos.set(this.occPos);
    this.occPos = pos;
    const next = new Int32Array(this.occNext.length * 2);
    next.set(this.occNext);
    this.occNext = next;
  }

  /** First occurrence of an atom in the item: note it and the measures whose query it feeds. */
  private touch(atom: number): void {
    this.touched.push(atom);
    const pend = this.phraseStart[atom + 1] as number;
    for (let j = this.phraseStart[atom] as number; j < pend; j++)
      this.stampPhrase(this.phraseData[j] as number);
    const ms = this.measureData;
    const flags = this.candidate;
    const end = this.measureStart[atom + 1] as number;
    for (let j = this.measureStart[atom] as number; j < end; j++) {
      const m = ms[j] as number;
      if (flags[m] === 0) {
        flags[m] = 1;
        this.candidateList.push(m);
      }
    }
  }

  /** Marks a phrase as possible in this generation (its anchor occurs). */
  private stampPhrase(pid: number): void {
    this.phraseStamp[pid] = this.gen;
    this.livePhrases[this.liveCount++] = pid;
  }

  /** How many phrase children of an OR node are stamped in this generation. */
  private liveIn(or: number): number {
    if (this.countedGen !== this.gen) this.countLive();
    return this.orLiveStamp[or] === this.gen ? (this.orLiveCount[or] as number) : 0;
  }

  /** Counts the live phrases of this generation per OR node holding them (once per generation). */
  private countLive(): void {
    const gen = this.gen;
    const { orLiveStamp, orLiveCount, phraseOrStart, phraseOrData, livePhrases } = this;
    for (let k = 0; k < this.liveCount; k++) {
      const pid = livePhrases[k] as number;
      const end = phraseOrStart[pid + 1] as number;
      for (let j = phraseOrStart[pid] as number; j < end; j++) {
        const or = phraseOrData[j] as number;
        if (orLiveStamp[or] === gen) orLiveCount[or] = (orLiveCount[or] as number) + 1;
        else {
          orLiveStamp[or] = gen;
          orLiveCount[or] = 1;
        }
      }
    }
    this.countedGen = gen;
  }

  private load(text: ClassifiableText): void {
    const t = text as Partial<ClassifiableText> | null | undefined;
    this.title = typeof t?.title === 'string' ? t.title : '';
    this.summary = typeof t?.summary === 'string' ? t.summary : '';
    this.pos = 0;
    this.occCount = 0;
    this.liveCount = 0;
    this.cues = null;
    this.resolved = null;
    this.sentencesReady = false;
    if (this.gen >= 0x7ffffff0) {
      this.gen = 0;
      this.testStamp.fill(0);
      this.hitStamp.fill(0);
      this.anyStamp.fill(0);
      this.phraseStamp.fill(0);
      this.orLiveStamp.fill(0);
      this.countedGen = 0;
      this.compoundStamp.fill(0);
    }
    this.gen++;
    this.itemGen = this.gen;
    this.scan(this.title, FIELD_TITLE);
    // One empty position between the fields keeps phrases and NEAR from spanning them.
    this.split = this.pos;
    this.addToken(0, 0, 0, FIELD_TITLE);
    this.scan(this.summary, FIELD_SUMMARY);
  }

  private clear(): void {
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) {
      const a = touched[i] as number;
      this.atomHead[a] = -1;
      this.atomMask[a] = 0;
    }
    touched.length = 0;
    this.eagerMask.fill(0);
    const list = this.candidateList;
    for (let i = 0; i < list.length; i++) this.candidate[list[i] as number] = 0;
    list.length = 0;
    // Drop long texts' buffers so one huge item does not pin memory.
    if (this.starts.length > 65536) {
      this.starts = new Int32Array(256);
      this.ends = new Int32Array(256);
      this.posTok = new Int32Array(256);
    }
    if (this.queryMark.length > 65536) this.queryMark = new Int32Array(256);
    if (this.sentenceOfPos.length > 65536) this.sentenceOfPos = new Int32Array(256);
    if (this.clauseOfPos.length > 65536) this.clauseOfPos = new Int32Array(256);
    if (this.occPos.length > 65536) {
      this.occPos = new Int32Array(512);
      this.occNext = new Int32Array(512);
    }
  }

  /** Measures to evaluate, ascending: those whose query atoms occur, plus the NOT-only ones. */
  private candidates(): number[] {
    const always = this.set.alwaysEvaluate;
    const list =
      always.length === 0 ? this.candidateList.slice() : [...new Set([...always, ...this.candidateList])];
    // Insertion sort: the list is short and this avoids a comparator call per pair.
    for (let i = 1; i < list.length; i++) {
      const v = list[i] as number;
      let j = i - 1;
      while (j >= 0 && (list[j] as number) > v) {
        list[j + 1] = list[j] as number;
        j--;
      }
      list[j + 1] = v;
    }
    return list;
  }

  private fieldOf(p: number): number {
    return p < this.split ? FIELD_TITLE : FIELD_SUMMARY;
  }

  /** True when the atom occurs in a field of `mask`. */
  private has(atom: number, mask: number): boolean {
    return ((this.atomMask[atom] as number) & mask) !== 0;
  }

  /** True when the gate (see nodeGates) occurs in a field of `mask`. */
  private gateHolds(gate: number, mask: number): boolean {
    return (
      (((gate & 1) === 0 ? (this.atomMask[gate >> 1] as number) : this.anyFields(gate >> 1)) & mask) !== 0
    );
  }

  /** The fields (FIELD_TITLE | FIELD_SUMMARY) any atom of `any` slot occurs in; memoised per item. */
  private anyFields(slot: number): number {
    const e = this.eagerOf[slot] as number;
    if (e >= 0) return this.eagerMask[e] as number;
    if (this.anyStamp[slot] === this.gen) return this.anyMask[slot] as number;
    const { atomMask, anyAtomData } = this;
    const end = this.anyAtomStart[slot + 1] as number;
    let m = 0;
    for (let i = this.anyAtomStart[slot] as number; i < end && m !== FIELD_BOTH; i++)
      m |= atomMask[anyAtomData[i] as number] as number;
    this.anyStamp[slot] = this.gen;
    this.anyMask[slot] = m;
    return m;
  }

  /** Boolean evaluation, memoised per node and field mask; evidence is collected only for matches. */
  private test(node: CompiledNode, mask: number): boolean {
    if (node.k === 'term') return this.has(node.atom, mask);
    if (node.k === 'phrase' && this.phraseStamp[node.pid] !== this.gen) return false;
    if (node.k === 'any') return (this.anyFields(node.slot) & mask) !== 0;
    const slot = node.id * SLOTS + mask;
    if (this.testStamp[slot] === this.gen) return this.testValue[slot] === 1;
    const result = this.testNode(node, mask);
    this.testStamp[slot] = this.gen;
    this.testValue[slot] = result ? 1 : 0;
    return result;
  }

  private testNode(node: CompiledNode, mask: number): boolean {
    switch (node.k) {
      case 'term':
        return this.has(node.atom, mask);
      case 'any':
        return (this.anyFields(node.slot) & mask) !== 0;
      case 'phrase':
        // Only the anchor has positions of its own (the other words may be untracked).
        return this.has(node.anchor, mask) && this.evaluate(node, mask) !== null;
      case 'and':
        for (const child of node.children) if (!this.test(child, mask)) return false;
        return true;
      case 'or': {
        if (node.gate >= 0 && (this.anyFields(node.gate) & mask) === 0) return false;
        const parts = this.orParts[node.id] as OrParts | null;
        const gates = this.orChildGates[node.id] as Int32Array;
        const children = parts === null ? node.children : parts.others;
        for (let i = 0; i < children.length; i++) {
          const g = gates[i] as number;
          if (g >= 0 && !this.gateHolds(g, mask)) continue;
          if (this.test(children[i] as CompiledNode, mask)) return true;
        }
        if (parts === null) return false;
        const { pids, phrases } = parts;
        const stamp = this.phraseStamp;
        const gen = this.gen;
        // Only stamped phrases can hold; the loop ends after the last of them.
        let left = this.liveIn(node.id);
        for (let i = 0; left > 0 && i < pids.length; i++) {
          if (stamp[pids[i] as number] !== gen) continue;
          left--;
          if (this.test(phrases[i] as CompiledNode, mask)) return true;
        }
        return false;
      }
      case 'not':
        return !this.test(node.child, mask);
      case 'field':
        return this.test(node.child, mask & node.mask);
      case 'near':
        return (
          this.test(node.left, mask) && this.test(node.right, mask) && this.evaluate(node, mask) !== null
        );
    }
  }

  /** The hits (flat [start, end) token spans) of a node, or null when it does not hold; memoised. */
  private evaluate(node: CompiledNode, mask: number): Hits | null {
    const slot = node.id * SLOTS + mask;
    if (this.hitStamp[slot] === this.gen) return this.hitValue[slot] as Hits | null;
    const result = this.evaluateNode(node, mask);
    this.hitStamp[slot] = this.gen;
    this.hitValue[slot] = result;
    return result;
  }

  private positionsIn(atom: number, mask: number, out: number[] | null): number[] | null {
    const { occPos, occNext } = this;
    for (let o = this.atomHead[atom] as number; o !== -1; o = occNext[o] as number) {
      const p = occPos[o] as number;
      if ((this.fieldOf(p) & mask) === 0) continue;
      if (out === null) out = [];
      out.push(p, p + 1);
    }
    return out;
  }

  private evaluateNode(node: CompiledNode, mask: number): Hits | null {
    switch (node.k) {
      case 'any': {
        if ((this.anyFields(node.slot) & mask) === 0) return null;
        let out: number[] | null = null;
        const touched = this.touched;
        if (node.atoms.length > LONG_ANY && touched.length < node.atoms.length) {
          // Atom order does not matter: evidence spans are sorted and merged before use.
          const member = memberTable(node, this.set.atomCount);
          for (let i = 0; i < touched.length; i++) {
            const a = touched[i] as number;
            if (member[a] === 1 && this.has(a, mask)) out = this.positionsIn(a, mask, out);
          }
          return out;
        }
        const atoms = node.atoms;
        for (let i = 0; i < atoms.length; i++) {
          const a = atoms[i] as number;
          if (this.has(a, mask)) out = this.positionsIn(a, mask, out);
        }
        return out;
      }
      case 'term':
        return this.has(node.atom, mask) ? this.positionsIn(node.atom, mask, null) : null;
      case 'phrase': {
        // From each occurrence of the anchor, the other words are checked in the tokens around it
        // (the empty token between the fields and hidden tokens hold no atoms, so never match).
        const atoms = node.atoms;
        const at = this.anchorAt[node.pid] as number;
        const { occPos, occNext } = this;
        let out: number[] | null = null;
        for (let o = this.atomHead[node.anchor] as number; o !== -1; o = occNext[o] as number) {
          const p = (occPos[o] as number) - at;
          if ((this.fieldOf(p + at) & mask) === 0 || p < 0 || p + atoms.length > this.pos) continue;
          let ok = true;
          for (let k = 0; k < atoms.length && ok; k++) {
            if (k !== at) ok = this.tokenHas(p + k, atoms[k] as number);
          }
          if (!ok) continue;
          if (out === null) out = [];
          out.push(p, p + atoms.length);
        }
        return out;
      }
      case 'and': {
        if (!this.test(node, mask)) return null;
        // Children's hits are memoised (shared): the first is used as is, copied once a second comes.
        let out: Hits | null = null;
        let copied = false;
        for (const child of node.children) {
          const r = this.evaluate(child, mask);
          if (r === null) return null;
          if (r.length === 0) continue;
          if (out === null) out = r;
          else {
            const acc: number[] = copied ? (out as number[]) : out.slice();
            copied = true;
            for (let i = 0; i < r.length; i++) acc.push(r[i] as number);
            out = acc;
          }
        }
        return out ?? EMPTY_HITS;
      }
      case 'or': {
        let out: Hits | null = null;
        let copied = false;
        // Phrases whose anchor is absent cannot hold: with OrParts they are skipped on their stamp
        // (phrases first, then the other children, in one loop).
        const parts = this.orParts[node.id] as OrParts | null;
        const children = parts === null ? node.children : parts.others;
        const nPhrases = parts === null ? 0 : parts.pids.length;
        // Stamped phrases left to visit: the phrase part ends after the last of them.
        let left = parts === null ? 0 : this.liveIn(node.id);
        for (let i = 0; i < nPhrases + children.length; i++) {
          let child: CompiledNode;
          if (i < nPhrases) {
            if (left === 0) {
              i = nPhrases - 1;
              continue;
            }
            if (this.phraseStamp[(parts as OrParts).pids[i] as number] !== this.gen) continue;
            left--;
            child = (parts as OrParts).phrases[i] as CompiledNode;
          } else {
            child = children[i - nPhrases] as CompiledNode;
            const g = (this.orChildGates[node.id] as Int32Array)[i - nPhrases] as number;
            if ((g >= 0 && !this.gateHolds(g, mask)) || !this.test(child, mask)) continue;
          }
          const r = this.evaluate(child, mask);
          if (r === null) continue;
          if (out === null) out = r;
          else {
            const acc: number[] = copied ? (out as number[]) : out.slice();
            copied = true;
            for (let j = 0; j < r.length; j++) acc.push(r[j] as number);
            out = acc;
          }
        }
        return out;
      }
      case 'not':
        return this.test(node.child, mask) ? null : EMPTY_HITS;
      case 'field':
        return this.evaluate(node.child, mask & node.mask);
      case 'near':
        return this.near(node.left, node.right, node.distance, mask);
    }
  }

  private near(left: CompiledNode, right: CompiledNode, distance: number, mask: number): Hits | null {
    const a = this.evaluate(left, mask);
    if (a === null || a.length === 0) return null;
    const b = this.evaluate(right, mask);
    if (b === null || b.length === 0) return null;
    let out: number[] | null = null;
    for (let i = 0; i < a.length; i += 2) {
      const as = a[i] as number;
      const ae = a[i + 1] as number;
      for (let j = 0; j < b.length; j += 2) {
        const bs = b[j] as number;
        const be = b[j + 1] as number;
        if (this.fieldOf(as) !== this.fieldOf(bs)) continue;
        let d: number;
        if (ae <= bs) d = bs - ae + 1;
        else if (be <= as) d = as - be + 1;
        // The same words cannot satisfy both sides, except one compound word (one an inner or
        // word-end wildcard matched: Ölimportverbot holds ölimport* NEAR *verbot*).
        else if (as === bs && ae === be && ae - as === 1 && this.compoundStamp[as] === this.itemGen) d = 0;
        else continue;
        if (d > distance) continue;
        // Evidence is the two operands, not the words between them: that is what an alert quotes.
        if (out === null) out = [];
        out.push(as, ae, bs, be);
      }
    }
    return out;
  }

  private evaluateMeasure(cm: CompiledMeasure): MeasureMatch | null {
    // requires first: it is usually shared by many measures, so it is tested once per item and,
    // when it fails, spares each measure its own query.
    if (cm.requires && !this.test(cm.requires, FIELD_BOTH)) return null;
    if (!this.test(cm.query, FIELD_BOTH)) return null;
    if (cm.excludes && this.test(cm.excludes, FIELD_BOTH)) return null;
    const query = this.evaluate(cm.query, FIELD_BOTH) ?? EMPTY_HITS;
    const requires = cm.requires ? (this.evaluate(cm.requires, FIELD_BOTH) ?? EMPTY_HITS) : EMPTY_HITS;
    return this.toMatch(cm.measure.id, query, requires);
  }

  /**
   * Score and stage come from every span of both clauses; the evidence an alert quotes is the
   * query's phrases first (they say why), then the requires ones, at most MAX_EVIDENCE.
   */
  private toMatch(measureId: string, query: Hits, requires: Hits): MeasureMatch {
    const spans = this.mergeSpans(query, requires);
    const count = Math.min(spans.length >> 1, MAX_LISTED_SPANS);
    const inTitle = count > 0 && (spans[0] as number) < this.split;
    const distinct = Math.max(1, Math.min(count, 4));
    const score = Math.min(1, 0.5 + 0.1 * (distinct - 1) + (inTitle ? 0.2 : 0));
    return {
      measureId,
      score: Math.round(score * 100) / 100,
      evidence: this.phraseEvidence(spans, query, requires.length === 0),
      stage: pickStage(this.cuesNear(spans), spans, this.split, STAGE_WINDOW, this.sentenceOf),
    };
  }

  /**
   * Evidence phrases: runs of spans (sorted, merged) whose tokens are adjacent in one field and one
   * sentence become one span ("US sanctions Sberbank"). A phrase holding a query span comes first.
   */
  private phraseEvidence(spans: Hits, query: Hits, allQuery: boolean): Evidence[] {
    const first: Evidence[] = [];
    const rest: Evidence[] = [];
    // Mark the query's token positions (a fresh stamp per call: no clearing).
    const mark = this.queryMark.length >= this.pos ? this.queryMark : this.growQueryMark();
    if (this.markStamp === 0x7fffffff) {
      mark.fill(0);
      this.markStamp = 0;
    }
    const stamp = ++this.markStamp;
    if (!allQuery)
      for (let i = 0; i + 1 < query.length; i += 2)
        for (let p = query[i] as number; p < (query[i + 1] as number); p++) mark[p] = stamp;
    for (let i = 0; i + 1 < spans.length && first.length < MAX_EVIDENCE; ) {
      const s = spans[i] as number;
      let e = spans[i + 1] as number;
      i += 2;
      while (
        i + 1 < spans.length &&
        (spans[i] as number) === e &&
        !this.sentenceBreakBefore(e) &&
        this.joinsWithPrevious(e)
      ) {
        e = spans[i + 1] as number;
        i += 2;
      }
      let fromQuery = allQuery;
      for (let p = s; p < e && !fromQuery; p++) fromQuery = mark[p] === stamp;
      const field = s < this.split ? 'title' : 'summary';
      const source = s < this.split ? this.title : this.summary;
      const start = this.starts[s] as number;
      const end = this.ends[e - 1] as number;
      (fromQuery ? first : rest).push({ field, start, end, text: source.slice(start, end) });
    }
    for (let i = 0; i < rest.length && first.length < MAX_EVIDENCE; i++) first.push(rest[i] as Evidence);
    return first;
  }

  /**
   * True when token `t` follows token `t - 1` in the same field with only spaces or hyphens between them,
   * so quotes read as phrases ("shadow fleet", "Gazprom-Neft") and never run across a comma or a clause.
   */
  private joinsWithPrevious(t: number): boolean {
    if (t === this.split) return false;
    const source = t < this.split ? this.title : this.summary;
    const from = this.ends[t - 1] as number;
    const to = this.starts[t] as number;
    for (let k = from; k < to; k++) {
      const c = source.charCodeAt(k);
      // space, tab, no-break space, hyphen-minus, en dash, hyphen
      if (c !== 32 && c !== 9 && c !== 0xa0 && c !== 45 && c !== 0x2013 && c !== 0x2010) return false;
    }
    return true;
  }

  private queryMark = new Int32Array(256);
  private markStamp = 0;

  private growQueryMark(): Int32Array {
    this.queryMark = new Int32Array(Math.max(this.pos, this.queryMark.length * 2));
    this.markStamp = 0;
    return this.queryMark;
  }

  /** True when a sentence ends between token p − 1 and token p (the rule of sentenceOf). */
  private sentenceBreakBefore(p: number): boolean {
    if (p === this.split || p === this.split + 1) return true;
    const prevStart = this.starts[p - 1] as number;
    const prevEnd = this.ends[p - 1] as number;
    return (
      prevEnd - prevStart > 1 &&
      hasSentenceEnd(p < this.split ? this.title : this.summary, prevEnd, this.starts[p] as number)
    );
  }

  /** Each clause's result and spans on the loaded item (context words already hidden). */
  private explainClauses(cm: CompiledMeasure): Pick<MeasureExplanation, 'query' | 'requires' | 'excludes'> {
    const clause = (node: CompiledNode | null): ClauseExplanation | null => {
      if (node === null) return null;
      const hits = this.evaluate(node, FIELD_BOTH);
      return { matched: hits !== null, evidence: hits ? this.toEvidence(this.mergeSpans(hits).slice()) : [] };
    };
    return {
      query: clause(cm.query) as ClauseExplanation,
      requires: clause(cm.requires),
      excludes: clause(cm.excludes),
    };
  }

  /** Every stage cue in the item, unresolved (adoption cues still to check for nouns and modals). */
  private stageCues(): CueHit[] {
    if (this.cues === null) {
      const cues: CueHit[] = [];
      for (const { stage, node } of this.set.stageCues) {
        const hits = this.evaluate(node, FIELD_BOTH);
        if (hits === null) continue;
        for (let i = 0; i + 1 < hits.length; i += 2)
          cues.push({ stage, start: hits[i] as number, end: hits[i + 1] as number });
      }
      this.cues = cues;
      this.resolved = new Array<CueHit | null | undefined>(cues.length);
    }
    return this.cues;
  }

  /**
   * The resolved cues within STAGE_WINDOW of some span in its field: the only ones pickStage can
   * choose, and (a cue containing a near cue is near too) all it needs for its containment rule.
   * The noun / modal check of an adoption cue runs only here, once per item and cue.
   */
  private cuesNear(spans: Hits): CueHit[] {
    const cues = this.stageCues();
    const resolved = this.resolved as Array<CueHit | null | undefined>;
    const out: CueHit[] = [];
    for (let c = 0; c < cues.length; c++) {
      const cue = cues[c] as CueHit;
      const inTitle = cue.start < this.split;
      let near = false;
      for (let i = 0; i + 1 < spans.length && !near; i += 2) {
        const s = spans[i] as number;
        const e = spans[i + 1] as number;
        if (s < this.split !== inTitle) continue;
        const d = cue.end <= s ? s - cue.end + 1 : e <= cue.start ? cue.start - e + 1 : 0;
        near = d <= STAGE_WINDOW;
      }
      if (!near) continue;
      let r = resolved[c];
      if (r === undefined) {
        r = this.resolveCue(cue);
        resolved[c] = r;
      }
      if (r !== null) out.push(r);
    }
    return out;
  }

  /** An adoption cue used as a noun is dropped (null); under a modal it takes the modal's stage. */
  private resolveCue(cue: CueHit): CueHit | null {
    if (cue.stage !== 'adopted') return cue;
    const before = this.wordsBefore(cue.start);
    // "a ban", "the new curbs": the adoption word is an object, not what the clause reports.
    if (this.set.nounMarkers.has(before[before.length - 1] ?? '')) return null;
    // "would impose", "plans to adopt", "threatens to ban": an intention, not an act.
    const modal = this.modalStage(before);
    return modal === null ? cue : { stage: modal, start: cue.start, end: cue.end };
  }

  /** The folded words (up to MODAL_REACH) before position p in its sentence, token by token. */
  private wordsBefore(p: number): string[] {
    let q = p;
    while (
      q > 0 &&
      p - q < MODAL_REACH &&
      q - 1 !== this.split &&
      this.sentenceOf(q - 1) === this.sentenceOf(p)
    )
      q--;
    const source = p < this.split ? this.title : this.summary;
    const words: string[] = [];
    for (let k = q; k < p; k++) {
      const word = source.slice(this.starts[k] as number, this.ends[k] as number);
      // A token folds on its own as it did in its text; plain ASCII needs only lower-casing.
      words.push(isAsciiWord(word) ? word.toLowerCase() : foldText(word));
    }
    return words;
  }

  /** Stage of the modal marker ending last in `words` (the longest one there), or null; no joins. */
  private modalStage(words: readonly string[]): Stage | null {
    const byLast = this.modalsByLastWord();
    for (let end = words.length; end > 0; end--) {
      const candidates = byLast.get(words[end - 1] as string);
      if (candidates === undefined) continue;
      // Longest first, as the lookup by decreasing length did.
      for (const { words: marker, stage } of candidates) {
        const n = marker.length;
        if (n > end) continue;
        let k = 0;
        while (k < n - 1 && marker[k] === words[end - n + k]) k++;
        if (k === n - 1) return stage;
      }
    }
    return null;
  }

  private modalIndex: Map<string, Array<{ words: string[]; stage: Stage }>> | null = null;

  /** Modal markers by their last word, longest first (built on first use). */
  private modalsByLastWord(): Map<string, Array<{ words: string[]; stage: Stage }>> {
    if (this.modalIndex === null) {
      const index = new Map<string, Array<{ words: string[]; stage: Stage }>>();
      for (const [text, stage] of this.set.modalCues) {
        const words = text.split(' ');
        if (words.length > this.set.modalMaxWords) continue;
        const last = words[words.length - 1] as string;
        const list = index.get(last) ?? [];
        list.push({ words, stage });
        index.set(last, list);
      }
      for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length);
      this.modalIndex = index;
    }
    return this.modalIndex;
  }

  /**
   * Sentence number of a token position: a new sentence starts after the field gap and after
   * ".", "!", "?" or ";" followed by white space, unless the previous token is a single letter
   * ("U.S. sanctions"). Computed only for items that matched.
   */
  private readonly sentenceOf = (position: number): number => {
    if (!this.sentencesReady) {
      if (this.sentenceOfPos.length < this.pos) this.sentenceOfPos = new Int32Array(this.pos * 2);
      const ids = this.sentenceOfPos;
      ids[0] = 0;
      let id = 0;
      for (let p = 1; p < this.pos; p++) {
        if (p === this.split || p === this.split + 1) id++;
        else {
          const source = p < this.split ? this.title : this.summary;
          const prevEnd = this.ends[p - 1] as number;
          const prevStart = this.starts[p - 1] as number;
          if (prevEnd - prevStart > 1 && hasSentenceEnd(source, prevEnd, this.starts[p] as number)) id++;
        }
        ids[p] = id;
      }
      this.sentencesReady = true;
    }
    return position >= 0 && position < this.pos ? (this.sentenceOfPos[position] as number) : 0;
  };

  /** Scratch for mergeSpans: the merged spans of one match, read before the next call. */
  private spanScratch: number[] = [];

  /**
   * The [start, end) pairs of `a` then `b`, sorted and with overlapping ones merged, in a buffer
   * reused by the next call (copy to keep them).
   */
  private mergeSpans(a: Hits, b: Hits = EMPTY_HITS): number[] {
    const flat = this.spanScratch;
    let n = 0;
    for (let l = 0; l < 2; l++) {
      const list = l === 0 ? a : b;
      const pairs = list.length - (list.length % 2);
      for (let k = 0; k < pairs; k += 2) {
        const s = list[k] as number;
        const e = list[k + 1] as number;
        // Insertion sort of the (start, end) pairs as they come: lists are short and mostly sorted.
        let j = n - 2;
        while (
          j >= 0 &&
          ((flat[j] as number) > s || ((flat[j] as number) === s && (flat[j + 1] as number) > e))
        ) {
          flat[j + 2] = flat[j] as number;
          flat[j + 3] = flat[j + 1] as number;
          j -= 2;
        }
        flat[j + 2] = s;
        flat[j + 3] = e;
        n += 2;
      }
    }
    // Merge in place: out ≤ read position throughout.
    let out = 0;
    for (let i = 0; i < n; i += 2) {
      const s = flat[i] as number;
      const e = flat[i + 1] as number;
      if (out > 0 && s < (flat[out - 1] as number)) {
        flat[out - 1] = Math.max(flat[out - 1] as number, e);
      } else {
        flat[out] = s;
        flat[out + 1] = e;
        out += 2;
      }
    }
    flat.length = out;
    return flat;
  }

  private toEvidence(spans: Hits): Evidence[] {
    const out: Evidence[] = [];
    for (let i = 0; i + 1 < spans.length && out.length < MAX_LISTED_SPANS; i += 2) {
      const s = spans[i] as number;
      const e = (spans[i + 1] as number) - 1;
      const field = s < this.split ? 'title' : 'summary';
      const source = field === 'title' ? this.title : this.summary;
      const start = this.starts[s] as number;
      const end = this.ends[e] as number;
      out.push({ field, start, end, text: source.slice(start, end) });
    }
    return out;
  }
}

const NO_DELTA = new Uint16Array(0);

/** Adds the atoms of `list` not yet in `into`. */
function collect(into: number[], list: readonly number[]): void {
  for (let k = 0; k < list.length; k++) {
    const a = list[k] as number;
    if (!into.includes(a)) into.push(a);
  }
}

/**
 * Per node id, a necessary condition of the node, read without a call (gateHolds): an atom
 * (× 2) or an `any` slot (× 2 + 1) that must occur in the tested fields, or -1. Children come
 * before their parents in `nodes`, so one pass sees each child's gate first.
 */
function nodeGates(nodes: readonly CompiledNode[], count: number): Int32Array {
  const gates = new Int32Array(count).fill(-1);
  for (const node of nodes) {
    let g = -1;
    switch (node.k) {
      case 'term':
        g = node.atom * 2;
        break;
      case 'any':
        g = node.slot * 2 + 1;
        break;
      case 'phrase':
        g = node.anchor * 2;
        break;
      case 'or':
        g = node.gate >= 0 ? node.gate * 2 + 1 : -1;
        break;
      case 'and':
        // Every child is necessary: the first with a gate (children are in test order).
        for (const c of node.children) {
          g = gates[c.id] as number;
          if (g >= 0) break;
        }
        break;
      case 'near':
        g = gates[node.left.id] as number;
        if (g < 0) g = gates[node.right.id] as number;
        break;
      // A field scope tests its child under a narrower mask, and NOT needs nothing: no gate.
      case 'field':
      case 'not':
        break;
    }
    gates[node.id] = g;
  }
  return gates;
}

/** Phrase → the OR nodes holding it among their phrase children, as Postings-style flat arrays. */
function phraseOrs(
  orParts: ReadonlyArray<OrParts | null>,
  phraseCount: number,
): { start: Int32Array; data: Int32Array } {
  const start = new Int32Array(phraseCount + 1);
  for (const parts of orParts)
    if (parts !== null) for (const pid of parts.pids) start[pid + 1] = (start[pid + 1] as number) + 1;
  for (let i = 0; i < phraseCount; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const data = new Int32Array(start[phraseCount] as number);
  const fill = start.slice(0, phraseCount);
  orParts.forEach((parts, id) => {
    if (parts === null) return;
    for (const pid of parts.pids) {
      const at = fill[pid] as number;
      fill[pid] = at + 1;
      data[at] = id;
    }
  });
  return { start, data };
}
