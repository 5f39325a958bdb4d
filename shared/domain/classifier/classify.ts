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
  type Trie,
} from './compile.js';
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
}

type Hits = readonly number[];

const NO_ATOMS: readonly number[] = [];
const EMPTY_HITS: Hits = [];
const MAX_EVIDENCE = 20;
/** Max token distance between a stage cue and the evidence it qualifies. */
const STAGE_WINDOW = 12;
/** Memo slots per DAG node: one per field mask (0 none, 1 title, 2 summary, 3 both). */
const SLOTS = 4;

/** Flattens per-atom lists into offsets (n + 1 entries) and data. */
function flatten(lists: readonly (readonly number[])[], n: number): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) start[a + 1] = (start[a] as number) + (lists[a]?.length ?? 0);
  const data = new Int32Array(start[n] as number);
  for (let a = 0; a < n; a++) data.set(lists[a] ?? [], start[a] as number);
  return [start, data];
}

/** True when text[from, to) has ".", "!", "?" or ";" followed by white space (as /[.!?;]\s/ tests). */
function hasSentenceEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i + 1 < to; i++) {
    const c = text.charCodeAt(i);
    if ((c === 46 || c === 33 || c === 63 || c === 59) && isSpace(text.charCodeAt(i + 1))) return true;
  }
  return false;
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
  private readonly trie: Trie;
  // Per-item scratch state, reset by load() / clear().
  private title = '';
  private summary = '';
  /** Position of the gap between title and summary tokens; title positions are < split. */
  private split = 0;
  private pos = 0;
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private posAtoms: Array<readonly number[]> = [];
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
  /** Atom → `any` slots (set.anyPostings) and atom → measures (set.atomMeasures), flattened. */
  private readonly anyStart: Int32Array;
  private readonly anyData: Int32Array;
  private readonly measureStart: Int32Array;
  private readonly measureData: Int32Array;
  /** Per atom: the fields (FIELD_TITLE | FIELD_SUMMARY) it occurs in for the current item. */
  private readonly atomMask: Uint8Array;
  private readonly touched: number[] = [];
  /** Per `any` node slot: the fields its atoms occur in for the current item. */
  private readonly anyMask: Uint8Array;
  private readonly touchedAny: number[] = [];
  private readonly candidate: Uint8Array;
  private readonly candidateList: number[] = [];
  private cues: CueHit[] | null = null;
  private sentenceOfPos: Int32Array | null = null;
  /** Item generation: a memo slot is valid when its stamp equals it. */
  private gen = 0;
  private readonly testStamp: Int32Array;
  private readonly testValue: Uint8Array;
  private readonly hitStamp: Int32Array;
  private readonly hitValue: Array<Hits | null>;

  get rulesVersion(): string {
    return this.set.rulesVersion;
  }

  constructor(set: CompiledSet) {
    this.set = set;
    this.trie = set.trie;
    this.measures = Object.freeze(set.measures.map((m) => m.measure));
    this.atomHead = new Int32Array(set.atomCount).fill(-1);
    this.atomTail = new Int32Array(set.atomCount);
    [this.anyStart, this.anyData] = flatten(set.anyPostings, set.atomCount);
    [this.measureStart, this.measureData] = flatten(set.atomMeasures, set.atomCount);
    this.atomMask = new Uint8Array(set.atomCount);
    this.anyMask = new Uint8Array(set.anyCount);
    this.candidate = new Uint8Array(set.measures.length);
    this.testStamp = new Int32Array(set.nodeCount * SLOTS);
    this.testValue = new Uint8Array(set.nodeCount * SLOTS);
    this.hitStamp = new Int32Array(set.nodeCount * SLOTS);
    this.hitValue = new Array<Hits | null>(set.nodeCount * SLOTS).fill(null);
  }

  classify(text: ClassifiableText): MeasureMatch[] {
    this.load(text);
    const out: MeasureMatch[] = [];
    try {
      if (this.candidateList.length === 0 && this.set.alwaysEvaluate.length === 0) return out;
      for (const index of this.candidates()) {
        const cm = this.set.measures[index] as CompiledMeasure;
        const match = this.evaluateMeasure(cm);
        if (match) out.push(match);
      }
    } finally {
      this.clear();
    }
    return out;
  }

  /** Evaluates every clause of every measure (or one) on the text, whether or not it matched. */
  explain(text: ClassifiableText, measureId?: string): MeasureExplanation[] {
    this.load(text);
    try {
      return this.set.measures
        .filter((cm) => measureId === undefined || cm.measure.id === measureId)
        .map((cm) => this.explainMeasure(cm));
    } finally {
      this.clear();
    }
  }

  /** Atoms of each token of `text` (folded as `tokenize` folds it), for tests and tooling. */
  tokenAtoms(text: string): Array<readonly number[]> {
    this.load({ title: text, summary: null });
    try {
      return this.posAtoms.slice(0, this.split);
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
    const { pathAtoms, endAtoms, row, dense, oneSym, oneChild } = this.trie;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
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
      const start = i;
      let node = 0;
      let last = 0;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c < 128) {
          if (ASCII_WORD[c] !== 1) break;
          if (node >= 0) {
            // ASCII_SYMBOL folds upper case, so the tables need no lower-casing.
            const sym = ASCII_SYMBOL[c] as number;
            const r = row[node] as number;
            node =
              r >= 0
                ? (dense[r * 36 + sym] as number)
                : oneSym[node] === sym
                  ? (oneChild[node] as number)
                  : -1;
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
        i += cp > 0xffff ? 2 : 1;
      }
      this.addToken(
        start,
        i,
        node >= 0 ? (endAtoms[node] as readonly number[]) : (pathAtoms[last] as readonly number[]),
        field,
      );
      // Drop an English possessive: word + apostrophe + s + non-word.
      const q = i + 1 < n ? text.charCodeAt(i) : 0;
      if ((q === 0x27 || q === 0x2019 || q === 0x02bc || q === 0x2018) && APOSTROPHES.has(q)) {
        const s = text.charCodeAt(i + 1);
        if ((s === 115 || s === 83) && !isWordAt(text, i + 2)) i += 2;
      }
    }
  }

  private addToken(start: number, end: number, atoms: readonly number[], field: number): void {
    const p = this.pos++;
    if (p >= this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[p] = start;
    this.ends[p] = end;
    this.posAtoms[p] = atoms;
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms[i] as number;
      const was = this.atomMask[a] as number;
      const o = this.occCount++;
      if (o >= this.occPos.length) this.growOccurrences();
      this.occPos[o] = p;
      this.occNext[o] = -1;
      if (was === 0) this.atomHead[a] = o;
      else this.occNext[this.atomTail[a] as number] = o;
      this.atomTail[a] = o;
      if ((was & field) !== 0) continue;
      if (was === 0) this.touch(a);
      this.atomMask[a] = was | field;
      const slots = this.anyData;
      const end = this.anyStart[a + 1] as number;
      for (let j = this.anyStart[a] as number; j < end; j++) {
        const s = slots[j] as number;
        const m = this.anyMask[s] as number;
        if (m === 0) this.touchedAny.push(s);
        this.anyMask[s] = m | field;
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

  private load(text: ClassifiableText): void {
    const t = text as Partial<ClassifiableText> | null | undefined;
    this.title = typeof t?.title === 'string' ? t.title : '';
    this.summary = typeof t?.summary === 'string' ? t.summary : '';
    this.pos = 0;
    this.occCount = 0;
    this.cues = null;
    this.sentenceOfPos = null;
    if (this.gen >= 0x7ffffff0) {
      this.gen = 0;
      this.testStamp.fill(0);
      this.hitStamp.fill(0);
    }
    this.gen++;
    this.scan(this.title, FIELD_TITLE);
    // One empty position between the fields keeps phrases and NEAR from spanning them.
    this.split = this.pos;
    this.addToken(0, 0, NO_ATOMS, FIELD_TITLE);
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
    const anys = this.touchedAny;
    for (let i = 0; i < anys.length; i++) this.anyMask[anys[i] as number] = 0;
    anys.length = 0;
    const list = this.candidateList;
    for (let i = 0; i < list.length; i++) this.candidate[list[i] as number] = 0;
    list.length = 0;
    // Drop long texts' buffers so one huge item does not pin memory.
    if (this.starts.length > 65536) {
      this.starts = new Int32Array(256);
      this.ends = new Int32Array(256);
      this.posAtoms = [];
    }
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

  /** Boolean evaluation, memoised per node and field mask; evidence is collected only for matches. */
  private test(node: CompiledNode, mask: number): boolean {
    if (node.k === 'term') return this.has(node.atom, mask);
    if (node.k === 'any') return ((this.anyMask[node.slot] as number) & mask) !== 0;
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
        return ((this.anyMask[node.slot] as number) & mask) !== 0;
      case 'phrase':
        for (let i = 0; i < node.atoms.length; i++)
          if (!this.has(node.atoms[i] as number, mask)) return false;
        return this.evaluate(node, mask) !== null;
      case 'and':
        for (const child of node.children) if (!this.test(child, mask)) return false;
        return true;
      case 'or':
        if (node.gate >= 0 && ((this.anyMask[node.gate] as number) & mask) === 0) return false;
        for (const child of node.children) if (this.test(child, mask)) return true;
        return false;
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
        if (((this.anyMask[node.slot] as number) & mask) === 0) return null;
        let out: number[] | null = null;
        const touched = this.touched;
        if (node.member !== null && touched.length < node.atoms.length) {
          // Atom order does not matter: evidence spans are sorted and merged before use.
          const member = node.member;
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
        const atoms = node.atoms;
        const { occPos, occNext } = this;
        let out: number[] | null = null;
        for (let o = this.atomHead[atoms[0] as number] as number; o !== -1; o = occNext[o] as number) {
          const p = occPos[o] as number;
          if ((this.fieldOf(p) & mask) === 0 || p + atoms.length > this.pos) continue;
          let ok = true;
          for (let k = 1; k < atoms.length && ok; k++) {
            ok = (this.posAtoms[p + k] as readonly number[]).includes(atoms[k] as number);
          }
          if (!ok) continue;
          if (out === null) out = [];
          out.push(p, p + atoms.length);
        }
        return out;
      }
      case 'and': {
        if (!this.test(node, mask)) return null;
        let out: Hits | null = null;
        for (const child of node.children) {
          const r = this.evaluate(child, mask);
          if (r === null) return null;
          if (r.length > 0) out = out === null ? r : out.concat(r);
        }
        return out ?? EMPTY_HITS;
      }
      case 'or': {
        let out: Hits | null = null;
        for (const child of node.children) {
          if (!this.test(child, mask)) continue;
          const r = this.evaluate(child, mask);
          if (r === null) continue;
          out = out === null ? r : out.concat(r);
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
        else continue; // the same words cannot satisfy both sides
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
    let hits = this.evaluate(cm.query, FIELD_BOTH) ?? EMPTY_HITS;
    if (cm.requires) hits = hits.concat(this.evaluate(cm.requires, FIELD_BOTH) ?? EMPTY_HITS);
    return this.toMatch(cm.measure.id, hits);
  }

  private toMatch(measureId: string, hits: Hits): MeasureMatch {
    const spans = this.mergeSpans(hits);
    const evidence = this.toEvidence(spans);
    const inTitle = evidence.some((e) => e.field === 'title');
    const distinct = Math.max(1, Math.min(evidence.length, 4));
    const score = Math.min(1, 0.5 + 0.1 * (distinct - 1) + (inTitle ? 0.2 : 0));
    return {
      measureId,
      score: Math.round(score * 100) / 100,
      evidence,
      stage: pickStage(this.stageCues(), spans, this.split, STAGE_WINDOW, this.sentenceOf),
    };
  }

  private explainMeasure(cm: CompiledMeasure): MeasureExplanation {
    const clause = (node: CompiledNode | null): ClauseExplanation | null => {
      if (node === null) return null;
      const hits = this.evaluate(node, FIELD_BOTH);
      return { matched: hits !== null, evidence: hits ? this.toEvidence(this.mergeSpans(hits)) : [] };
    };
    const query = clause(cm.query) as ClauseExplanation;
    const requires = clause(cm.requires);
    const excludes = clause(cm.excludes);
    const match = this.evaluateMeasure(cm);
    return {
      measureId: cm.measure.id,
      matched: match !== null,
      query,
      requires,
      excludes,
      score: match?.score ?? null,
      stage: match?.stage ?? null,
    };
  }

  private stageCues(): CueHit[] {
    if (this.cues === null) {
      const cues: CueHit[] = [];
      for (const { stage, node } of this.set.stageCues) {
        const hits = this.evaluate(node, FIELD_BOTH);
        if (hits === null) continue;
        for (let i = 0; i + 1 < hits.length; i += 2) {
          const start = hits[i] as number;
          const end = hits[i + 1] as number;
          if (stage !== 'adopted') {
            cues.push({ stage, start, end });
            continue;
          }
          const before = this.wordsBefore(start);
          // "a ban", "the new curbs": the adoption word is an object, not what the clause reports.
          if (this.set.nounMarkers.has(before.slice(before.lastIndexOf(' ') + 1))) continue;
          // "would impose", "plans to adopt", "threatens to ban": an intention, not an act.
          cues.push({ stage: this.modalStage(before) ?? stage, start, end });
        }
      }
      this.cues = cues;
    }
    return this.cues;
  }

  /** The folded words (up to MODAL_REACH) before position p in its sentence, space-joined. */
  private wordsBefore(p: number): string {
    let q = p;
    while (
      q > 0 &&
      p - q < MODAL_REACH &&
      q - 1 !== this.split &&
      this.sentenceOf(q - 1) === this.sentenceOf(p)
    )
      q--;
    if (q === p) return '';
    const source = p < this.split ? this.title : this.summary;
    return foldText(source.slice(this.starts[q] as number, this.starts[p] as number));
  }

  /** Stage of the modal marker ending last in `before`, or null: a few map lookups, no scanning. */
  private modalStage(before: string): Stage | null {
    if (before === '') return null;
    const words = before.split(' ');
    const { modalCues, modalMaxWords } = this.set;
    for (let end = words.length; end > 0; end--) {
      for (let n = Math.min(modalMaxWords, end); n >= 1; n--) {
        const stage = modalCues.get(
          n === 1 ? (words[end - 1] as string) : words.slice(end - n, end).join(' '),
        );
        if (stage !== undefined) return stage;
      }
    }
    return null;
  }

  /**
   * Sentence number of a token position: a new sentence starts after the field gap and after
   * ".", "!", "?" or ";" followed by white space, unless the previous token is a single letter
   * ("U.S. sanctions"). Computed only for items that matched.
   */
  private readonly sentenceOf = (position: number): number => {
    if (this.sentenceOfPos === null) {
      const ids = new Int32Array(this.pos);
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
      this.sentenceOfPos = ids;
    }
    return this.sentenceOfPos[position] ?? 0;
  };

  /** Sorts [start, end] pairs and merges overlapping ones. */
  private mergeSpans(hits: Hits): number[] {
    // Insertion sort of the (start, end) pairs in place: lists are short, no tuple per pair.
    const flat = hits.length % 2 === 0 ? hits.slice() : hits.slice(0, -1);
    for (let i = 2; i < flat.length; i += 2) {
      const s = flat[i] as number;
      const e = flat[i + 1] as number;
      let j = i - 2;
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
    }
    const out: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const s = flat[i] as number;
      const e = flat[i + 1] as number;
      const last = out.length - 1;
      if (last > 0 && s < (out[last] as number)) {
        out[last] = Math.max(out[last] as number, e);
      } else {
        out.push(s, e);
      }
    }
    return out;
  }

  private toEvidence(spans: Hits): Evidence[] {
    const out: Evidence[] = [];
    for (let i = 0; i + 1 < spans.length && out.length < MAX_EVIDENCE; i += 2) {
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
