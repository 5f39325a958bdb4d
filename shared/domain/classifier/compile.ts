/**
 * Compiles measures into one matcher: every distinct term or prefix of every clause becomes an
 * "atom" in a shared dictionary, each atom lists the measures whose query mentions it, and the
 * boolean trees refer to atoms by number. Classifying an item then costs one dictionary lookup per
 * token plus evaluation of only those measures whose atoms occur.
 */
import type { Measure, Stage } from '../types.js';
import type { QueryClause } from './errors.js';
import { type Field, parseQuery, type QueryNode, type QueryWord } from './query-parser.js';
import { STAGE_CUES, STAGES } from './stage.js';
import { stem } from './stem.js';

/** Bumped when matching semantics change, so stored matches show which engine produced them. */
export const ENGINE_VERSION = 'classifier-2';

export const FIELD_TITLE = 1;
export const FIELD_SUMMARY = 2;
export const FIELD_BOTH = 3;

export type CompiledNode =
  | { k: 'term'; atom: number }
  /** An OR of plain terms, flattened so the boolean test is one loop. */
  | { k: 'any'; atoms: number[]; member: Uint8Array | null }
  | { k: 'phrase'; atoms: number[] }
  | { k: 'and'; children: CompiledNode[] }
  | { k: 'or'; children: CompiledNode[] }
  | { k: 'not'; child: CompiledNode }
  | { k: 'near'; left: CompiledNode; right: CompiledNode; distance: number }
  | { k: 'field'; mask: number; child: CompiledNode };

export interface CompiledMeasure {
  measure: Measure;
  index: number;
  query: CompiledNode;
  requires: CompiledNode | null;
  excludes: CompiledNode | null;
}

/** The compiled form of a measure set: dictionary, trees and the atom → measure postings. */
export interface CompiledSet {
  measures: CompiledMeasure[];
  /** Stem of a whole word → its atom. */
  stemAtoms: Map<string, number>;
  /** Exact folded word form → its atom. */
  exactAtoms: Map<string, number>;
  /** Folded prefix → its atom. */
  prefixAtoms: Map<string, number>;
  /** Distinct prefix lengths in use, ascending. */
  prefixLengths: number[];
  atomCount: number;
  /** Atom → indices of measures whose query clause mentions it. */
  atomMeasures: number[][];
  /** Measures whose query is true on an empty text (only NOTs): evaluated for every item. */
  alwaysEvaluate: number[];
  stageCues: Array<{ stage: Stage; node: CompiledNode }>;
  rulesVersion: string;
}

class AtomTable {
  readonly stemAtoms = new Map<string, number>();
  readonly exactAtoms = new Map<string, number>();
  readonly prefixAtoms = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  count = 0;

  atom(word: QueryWord): number {
    const key = word.prefix ? `p:${word.text}` : word.exact ? `e:${word.text}` : `s:${stem(word.text)}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(key, id);
      const map = word.prefix ? this.prefixAtoms : word.exact ? this.exactAtoms : this.stemAtoms;
      map.set(key.slice(2), id);
    }
    return id;
  }
}

function fieldMask(field: Field): number {
  return field === 'title' ? FIELD_TITLE : FIELD_SUMMARY;
}

function compileNode(node: QueryNode, atoms: AtomTable, used: Set<number>): CompiledNode {
  switch (node.kind) {
    case 'term': {
      const atom = atoms.atom(node.word);
      used.add(atom);
      return { k: 'term', atom };
    }
    case 'phrase': {
      const ids = node.words.map((w) => atoms.atom(w));
      for (const id of ids) used.add(id);
      return { k: 'phrase', atoms: ids };
    }
    case 'and':
      return { k: 'and', children: node.children.map((c) => compileNode(c, atoms, used)) };
    case 'or': {
      const children = node.children.map((c) => compileNode(c, atoms, used));
      const terms: number[] = [];
      const rest: CompiledNode[] = [];
      for (const c of children) {
        if (c.k === 'term') terms.push(c.atom);
        else if (c.k === 'any') terms.push(...c.atoms);
        else rest.push(c);
      }
      if (terms.length < 2) return { k: 'or', children };
      const any: CompiledNode = { k: 'any', atoms: [...new Set(terms)], member: null };
      return rest.length === 0 ? any : { k: 'or', children: [any, ...rest] };
    }
    case 'not':
      return { k: 'not', child: compileNode(node.child, atoms, used) };
    case 'near':
      return {
        k: 'near',
        left: compileNode(node.left, atoms, used),
        right: compileNode(node.right, atoms, used),
        distance: node.distance,
      };
    case 'field':
      return { k: 'field', mask: fieldMask(node.field), child: compileNode(node.child, atoms, used) };
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
function stableHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function compileClause(
  measure: Measure,
  clause: QueryClause,
  text: string,
  atoms: AtomTable,
  used: Set<number>,
): CompiledNode {
  return compileNode(parseQuery(text, measure.id, clause), atoms, used);
}

/** Turns a space-separated cue list (words and "phrases") into an OR query. */
function cueQuery(list: string): string {
  return (list.match(/"[^"]*"|\S+/g) ?? []).join(' OR ');
}

/** Parses and compiles measures and the stage cues into one set; throws MeasureQueryError. */
export function compileSet(measures: readonly Measure[]): CompiledSet {
  const atoms = new AtomTable();
  const atomMeasures: number[][] = [];
  const alwaysEvaluate: number[] = [];
  const compiled: CompiledMeasure[] = measures.map((measure, index) => {
    const queryAtoms = new Set<number>();
    const query = compileClause(measure, 'query', measure.query, atoms, queryAtoms);
    const scratch = new Set<number>();
    const requires = measure.requires
      ? compileClause(measure, 'requires', measure.requires, atoms, scratch)
      : null;
    const excludes = measure.excludes
      ? compileClause(measure, 'excludes', measure.excludes, atoms, scratch)
      : null;
    if (trueOnEmpty(query)) {
      alwaysEvaluate.push(index);
    } else {
      for (const a of queryAtoms) {
        while (atomMeasures.length <= a) atomMeasures.push([]);
        (atomMeasures[a] as number[]).push(index);
      }
    }
    return { measure, index, query, requires, excludes };
  });
  const cueMeasure: Measure = {
    id: 'stage-cues',
    name: 'stage cues',
    severity: 'low',
    query: '',
    requires: null,
    excludes: null,
    jurisdictions: [],
    notes: null,
  };
  const stageCues = STAGES.map((stage) => ({
    stage,
    node: compileClause(cueMeasure, 'query', cueQuery(STAGE_CUES[stage]), atoms, new Set<number>()),
  }));
  while (atomMeasures.length < atoms.count) atomMeasures.push([]);
  // Long OR-lists get a membership table, so testing them costs the item's atoms, not the list's.
  const visit = (node: CompiledNode): void => {
    if (node.k === 'any' && node.atoms.length > 16) {
      node.member = new Uint8Array(atoms.count);
      for (const a of node.atoms) node.member[a] = 1;
    } else if (node.k === 'and' || node.k === 'or') node.children.forEach(visit);
    else if (node.k === 'not' || node.k === 'field') visit(node.child);
    else if (node.k === 'near') {
      visit(node.left);
      visit(node.right);
    }
  };
  for (const cm of compiled) {
    for (const n of [cm.query, cm.requires, cm.excludes]) if (n) visit(n);
  }
  const prefixLengths = [...new Set([...atoms.prefixAtoms.keys()].map((p) => p.length))].sort(
    (a, b) => a - b,
  );
  const fingerprint = JSON.stringify([
    ENGINE_VERSION,
    measures.map((m) => [m.id, m.severity, m.query, m.requires, m.excludes]),
  ]);
  return {
    measures: compiled,
    stemAtoms: atoms.stemAtoms,
    exactAtoms: atoms.exactAtoms,
    prefixAtoms: atoms.prefixAtoms,
    prefixLengths,
    atomCount: atoms.count,
    atomMeasures,
    alwaysEvaluate,
    stageCues,
    rulesVersion: stableHash(fingerprint),
  };
}
