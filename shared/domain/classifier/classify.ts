/**
 * The matcher: tokenises an item once, looks every token up in the compiled dictionary, and
 * evaluates only the measures whose atoms occur. Pure in its results: the scratch buffers and the
 * token cache are reused between calls for speed but never change what a call returns.
 */
import type { ClassifiableText, Evidence, Measure, MeasureMatch, Stage } from '../types.js';
import {
  type CompiledMeasure,
  type CompiledNode,
  type CompiledSet,
  FIELD_BOTH,
  FIELD_SUMMARY,
  FIELD_TITLE,
} from './compile.js';
import { forEachToken } from './normalise.js';
import { type CueHit, pickStage } from './stage.js';
import { stem } from './stem.js';

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

type Hits = number[];

const NO_ATOMS: readonly number[] = [];
const EMPTY_HITS: Hits = [];
const TOKEN_CACHE_LIMIT = 100_000;
const MAX_EVIDENCE = 20;
/** Max token distance between a stage cue and the evidence it qualifies. */
const STAGE_WINDOW = 12;

/** Classifier over one compiled measure set; also explains per-clause results. */
export class CompiledClassifier implements Classifier {
  readonly rulesVersion: string;
  readonly measures: readonly Measure[];

  private readonly set: CompiledSet;
  private readonly tokenCache = new Map<string, readonly number[]>();
  // Per-item scratch state, reset by load().
  private title = '';
  private summary = '';
  /** Position of the gap between title and summary tokens; title positions are < split. */
  private split = 0;
  private pos = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private posAtoms: Array<readonly number[]> = [];
  private readonly atomPositions: number[][];
  private touched: number[] = [];
  private readonly candidate: Uint8Array;
  private cues: CueHit[] | null = null;

  constructor(set: CompiledSet) {
    this.set = set;
    this.rulesVersion = set.rulesVersion;
    this.measures = Object.freeze(set.measures.map((m) => m.measure));
    this.atomPositions = Array.from({ length: set.atomCount }, () => []);
    this.candidate = new Uint8Array(set.measures.length);
  }

  classify(text: ClassifiableText): MeasureMatch[] {
    this.load(text);
    const out: MeasureMatch[] = [];
    try {
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

  private readonly onTitleToken = (folded: string, start: number, end: number): void => {
    this.addToken(folded, start, end);
  };

  private addToken(folded: string, start: number, end: number): void {
    const p = this.pos++;
    this.starts[p] = start;
    this.ends[p] = end;
    const atoms = this.lookup(folded);
    this.posAtoms[p] = atoms;
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms[i] as number;
      const list = this.atomPositions[a] as number[];
      if (list.length === 0) this.touched.push(a);
      list.push(p);
    }
  }

  private lookup(folded: string): readonly number[] {
    const cached = this.tokenCache.get(folded);
    if (cached !== undefined) return cached;
    let atoms: number[] | null = null;
    const s = this.set.stemAtoms.get(stem(folded));
    if (s !== undefined) atoms = [s];
    const e = this.set.exactAtoms.get(folded);
    if (e !== undefined) {
      if (atoms === null) atoms = [e];
      else atoms.push(e);
    }
    const lengths = this.set.prefixLengths;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i] as number;
      if (len > folded.length) break;
      const a = this.set.prefixAtoms.get(len === folded.length ? folded : folded.slice(0, len));
      if (a !== undefined) {
        if (atoms === null) atoms = [a];
        else atoms.push(a);
      }
    }
    const result = atoms ?? NO_ATOMS;
    if (this.tokenCache.size >= TOKEN_CACHE_LIMIT) this.tokenCache.clear();
    this.tokenCache.set(folded, result);
    return result;
  }

  private load(text: ClassifiableText): void {
    const t = text as Partial<ClassifiableText> | null | undefined;
    this.title = typeof t?.title === 'string' ? t.title : '';
    this.summary = typeof t?.summary === 'string' ? t.summary : '';
    this.pos = 0;
    this.cues = null;
    forEachToken(this.title, this.onTitleToken);
    // One empty position between the fields keeps phrases and NEAR from spanning them.
    this.split = this.pos;
    this.starts[this.pos] = 0;
    this.ends[this.pos] = 0;
    this.posAtoms[this.pos] = NO_ATOMS;
    this.pos++;
    forEachToken(this.summary, this.onTitleToken);
  }

  private clear(): void {
    for (const a of this.touched) (this.atomPositions[a] as number[]).length = 0;
    this.touched = [];
    // Drop references to long texts' buffers so one huge item does not pin memory.
    if (this.starts.length > 4096) {
      this.starts = [];
      this.ends = [];
      this.posAtoms = [];
    }
  }

  private candidates(): number[] {
    const flags = this.candidate;
    const list: number[] = [...this.set.alwaysEvaluate];
    for (const i of list) flags[i] = 1;
    for (const a of this.touched) {
      const ms = this.set.atomMeasures[a] as number[];
      for (let j = 0; j < ms.length; j++) {
        const m = ms[j] as number;
        if (flags[m] === 0) {
          flags[m] = 1;
          list.push(m);
        }
      }
    }
    for (const i of list) flags[i] = 0;
    return list.sort((x, y) => x - y);
  }

  private fieldOf(p: number): number {
    return p < this.split ? FIELD_TITLE : FIELD_SUMMARY;
  }

  /** True when some position of the atom lies in a field of `mask`. */
  private has(atom: number, mask: number): boolean {
    const positions = this.atomPositions[atom] as number[];
    if (positions.length === 0) return false;
    if (mask === FIELD_BOTH) return true;
    for (let i = 0; i < positions.length; i++) {
      if ((this.fieldOf(positions[i] as number) & mask) !== 0) return true;
    }
    return false;
  }

  /** Boolean evaluation: short-circuits and allocates nothing; evidence is collected only for matches. */
  private test(node: CompiledNode, mask: number): boolean {
    switch (node.k) {
      case 'term':
        return this.has(node.atom, mask);
      case 'any': {
        if (node.member !== null && this.touched.length < node.atoms.length) {
          const member = node.member;
          const touched = this.touched;
          for (let i = 0; i < touched.length; i++) {
            const a = touched[i] as number;
            if (member[a] === 1 && this.has(a, mask)) return true;
          }
          return false;
        }
        const atoms = node.atoms;
        for (let i = 0; i < atoms.length; i++) if (this.has(atoms[i] as number, mask)) return true;
        return false;
      }
      case 'phrase':
        for (let i = 0; i < node.atoms.length; i++)
          if (!this.has(node.atoms[i] as number, mask)) return false;
        return this.evaluate(node, mask) !== null;
      case 'and':
        for (const child of node.children) if (!this.test(child, mask)) return false;
        return true;
      case 'or':
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

  private evaluate(node: CompiledNode, mask: number): Hits | null {
    switch (node.k) {
      case 'any': {
        let out: Hits | null = null;
        for (const atom of node.atoms) {
          const positions = this.atomPositions[atom] as number[];
          for (let i = 0; i < positions.length; i++) {
            const p = positions[i] as number;
            if ((this.fieldOf(p) & mask) === 0) continue;
            if (out === null) out = [];
            out.push(p, p + 1);
          }
        }
        return out;
      }
      case 'term': {
        const positions = this.atomPositions[node.atom] as number[];
        let out: Hits | null = null;
        for (let i = 0; i < positions.length; i++) {
          const p = positions[i] as number;
          if ((this.fieldOf(p) & mask) === 0) continue;
          if (out === null) out = [];
          out.push(p, p + 1);
        }
        return out;
      }
      case 'phrase': {
        const atoms = node.atoms;
        const first = this.atomPositions[atoms[0] as number] as number[];
        let out: Hits | null = null;
        for (let i = 0; i < first.length; i++) {
          const p = first[i] as number;
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
          const r = this.evaluate(child, mask);
          if (r === null) continue;
          out = out === null ? r : out.concat(r);
        }
        return out;
      }
      case 'not':
        return this.evaluate(node.child, mask) === null ? EMPTY_HITS : null;
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
    let out: Hits | null = null;
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
    if (!this.test(cm.query, FIELD_BOTH)) return null;
    if (cm.requires && !this.test(cm.requires, FIELD_BOTH)) return null;
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
      stage: pickStage(this.stageCues(), spans, this.split, STAGE_WINDOW),
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
          cues.push({ stage, start: hits[i] as number, end: hits[i + 1] as number });
        }
      }
      this.cues = cues;
    }
    return this.cues;
  }

  /** Sorts [start, end] pairs and merges overlapping ones. */
  private mergeSpans(hits: Hits): Hits {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i + 1 < hits.length; i += 2) pairs.push([hits[i] as number, hits[i + 1] as number]);
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out: Hits = [];
    for (const [s, e] of pairs) {
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
