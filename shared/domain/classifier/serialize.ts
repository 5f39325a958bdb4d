/**
 * A compiled measure set as bytes and back, so `radar classify` can skip compiling (40–90 ms of a
 * cold start, more than the rest of its start-up) when the measures have not changed. Pure: the
 * CLI decides where the bytes live (cli/compile-cache.ts).
 *
 * Layout: 8-byte magic, u32 length of a UTF-8 JSON header, the header, padding to 4 bytes, then
 * the trie's typed arrays back to back (lengths in the header). The header holds the DAG (one
 * entry per node, children before parents), the atom tables and the cue tables. The Measure
 * objects are not stored: deserializeSet takes the caller's, checked against the stored ids.
 */
import type { Measure, Stage } from '../types.js';
import {
  addMemberTables,
  buildInfixMatcher,
  type CompiledNode,
  type CompiledSet,
  lazyRulesVersion,
  makeNode,
  type Trie,
} from './compile.js';
import type { ContextKind } from './context.js';

const MAGIC = 'RADARCS3';

type NodeEntry =
  | ['t', number]
  | ['y', number, number[]]
  | ['p', number[], number, number]
  | ['&', number[]]
  | ['|', number[], number]
  | ['!', number]
  | ['n', number, number, number]
  | ['f', number, number];

interface Header {
  measureIds: string[];
  nodes: NodeEntry[];
  measures: Array<[number, number, number]>;
  atomCount: number;
  anyCount: number;
  phraseCount: number;
  stemAtoms: Array<[string, number]>;
  exactAtoms: Array<[string, number]>;
  prefixAtoms: Array<[string, number]>;
  innerAtoms: Array<[string, number]>;
  tailAtoms: Array<[string, number]>;
  atomMeasures: number[][];
  atomPhrases: number[][];
  alwaysEvaluate: number[];
  stageCues: Array<[Stage, number]>;
  contextCues: Array<[ContextKind, number, number]>;
  contextExceptions: number;
  modalCues: Array<[string, Stage]>;
  modalMaxWords: number;
  nounMarkers: string[];
  trie: {
    tabMask: number;
    nodeCount: number;
    /** Distinct atom lists; each node's four lists are indices into it. */
    lists: number[][];
    path: number[];
    end: number[];
    pathTracked: number[];
    endTracked: number[];
    /** Element counts of the binary arrays, in BINARY order. */
    sizes: number[];
  };
}

/** The trie arrays stored as binary, in this order (Int32 first, then the one Int8 array). */
const BINARY = ['tabNode', 'tabCode', 'tabChild', 'row', 'dense', 'oneChild', 'oneSym'] as const;

function encodeNode(node: CompiledNode): NodeEntry {
  switch (node.k) {
    case 'term':
      return ['t', node.atom];
    case 'any':
      return ['y', node.slot, node.atoms];
    case 'phrase':
      return ['p', node.atoms, node.pid, node.anchor];
    case 'and':
      return ['&', node.children.map((c) => c.id)];
    case 'or':
      return ['|', node.children.map((c) => c.id), node.gate];
    case 'not':
      return ['!', node.child.id];
    case 'near':
      return ['n', node.left.id, node.right.id, node.distance];
    case 'field':
      return ['f', node.mask, node.child.id];
  }
}

/** The set as bytes (see the layout above). */
export function serializeSet(set: CompiledSet): Uint8Array {
  const { trie } = set;
  const listIndex = new Map<string, number>();
  const lists: number[][] = [];
  const indexOf = (list: readonly number[]) => {
    const key = list.join(',');
    let i = listIndex.get(key);
    if (i === undefined) {
      i = lists.length;
      lists.push([...list]);
      listIndex.set(key, i);
    }
    return i;
  };
  const arrays = BINARY.map((name) => trie[name]);
  const header: Header = {
    measureIds: set.measures.map((m) => m.measure.id),
    nodes: set.nodes.map(encodeNode),
    measures: set.measures.map((m) => [m.query.id, m.requires?.id ?? -1, m.excludes?.id ?? -1]),
    atomCount: set.atomCount,
    anyCount: set.anyCount,
    phraseCount: set.phraseCount,
    stemAtoms: [...set.stemAtoms],
    exactAtoms: [...set.exactAtoms],
    prefixAtoms: [...set.prefixAtoms],
    innerAtoms: [...set.innerAtoms],
    tailAtoms: [...set.tailAtoms],
    atomMeasures: set.atomMeasures,
    atomPhrases: set.atomPhrases,
    alwaysEvaluate: set.alwaysEvaluate,
    stageCues: set.stageCues.map((c) => [c.stage, c.node.id]),
    contextCues: set.contextCues.map((c) => [c.kind, c.trigger?.id ?? -1, c.node.id]),
    contextExceptions: set.contextExceptions.id,
    modalCues: [...set.modalCues],
    modalMaxWords: set.modalMaxWords,
    nounMarkers: [...set.nounMarkers],
    trie: {
      tabMask: trie.tabMask,
      nodeCount: trie.nodeCount,
      lists,
      path: trie.pathAtoms.map(indexOf),
      end: trie.endAtoms.map(indexOf),
      pathTracked: trie.pathTracked.map(indexOf),
      endTracked: trie.endTracked.map(indexOf),
      sizes: arrays.map((a) => a.length),
    },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align4(12 + json.length);
  const total = start + arrays.reduce((sum, a) => sum + a.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let at = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Thrown when bytes are not a set serialized by this version for these measures. */
export class CompiledSetFormatError extends Error {
  override readonly name = 'CompiledSetFormatError';
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new CompiledSetFormatError(`compiled measure set: ${what}`);
}

/**
 * The set stored by serializeSet, for these measures (the ones it was compiled from: same ids in
 * the same order, checked). Throws CompiledSetFormatError on bytes it cannot read.
 */
export function deserializeSet(bytes: Uint8Array, measures: readonly Measure[]): CompiledSet {
  check(bytes.length >= 12 && Buffer.from(bytes.subarray(0, 8)).toString('latin1') === MAGIC, 'bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  check(12 + jsonLength <= bytes.length, 'truncated header');
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + jsonLength)).toString('utf8')) as Header;
  check(
    header.measureIds.length === measures.length &&
      header.measureIds.every((id, i) => measures[i]?.id === id),
    'measure ids differ',
  );
  // Typed arrays: copied out of the file buffer (aligned, and independent of it).
  const arrays: Array<Int32Array | Int8Array> = [];
  let at = align4(12 + jsonLength);
  BINARY.forEach((name, i) => {
    const count = header.trie.sizes[i] as number;
    const width = name === 'oneSym' ? 1 : 4;
    check(at + count * width <= bytes.length, 'truncated trie');
    // A copy (not Buffer#slice, which is a view): aligned, and independent of the file's buffer.
    const slice = new Uint8Array(count * width);
    slice.set(bytes.subarray(at, at + count * width));
    arrays.push(width === 1 ? new Int8Array(slice.buffer) : new Int32Array(slice.buffer));
    at += count * width;
  });
  check(at === bytes.length, 'trailing bytes');

  const nodes: CompiledNode[] = [];
  const anys: Array<Extract<CompiledNode, { k: 'any' }>> = new Array(header.anyCount);
  const ref = (id: number): CompiledNode => {
    const node = nodes[id];
    check(node !== undefined, `node ${id} out of order`);
    return node as CompiledNode;
  };
  header.nodes.forEach((e, id) => {
    let node: CompiledNode;
    switch (e[0]) {
      case 't':
        node = makeNode<'term'>({ k: 'term', id, atom: e[1] });
        break;
      case 'y': {
        const any = makeNode<'any'>({ k: 'any', id, slot: e[1], atoms: e[2], member: null });
        anys[e[1]] = any;
        node = any;
        break;
      }
      case 'p':
        node = makeNode<'phrase'>({ k: 'phrase', id, atoms: e[1], pid: e[2], anchor: e[3] });
        break;
      case '&':
        node = makeNode<'and'>({ k: 'and', id, children: e[1].map(ref) });
        break;
      case '|':
        node = makeNode<'or'>({ k: 'or', id, children: e[1].map(ref), gate: e[2] });
        break;
      case '!':
        node = makeNode<'not'>({ k: 'not', id, child: ref(e[1]) });
        break;
      case 'n':
        node = makeNode<'near'>({ k: 'near', id, left: ref(e[1]), right: ref(e[2]), distance: e[3] });
        break;
      case 'f':
        node = makeNode<'field'>({ k: 'field', id, mask: e[1], child: ref(e[2]) });
        break;
      default:
        throw new CompiledSetFormatError(`compiled measure set: unknown node kind ${String(e[0])}`);
    }
    nodes.push(node);
  });
  check(
    anys.every((a) => a !== undefined),
    'missing OR-list',
  );
  addMemberTables(anys, header.atomCount);
  const opt = (id: number) => (id < 0 ? null : ref(id));

  const t = header.trie;
  const lists: ReadonlyArray<readonly number[]> = t.lists;
  const pick = (index: number[]) => index.map((i) => lists[i] as readonly number[]);
  const [tabNode, tabCode, tabChild, row, dense, oneChild, oneSym] = arrays as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int8Array,
  ];
  check(tabNode.length === t.tabMask + 1 && row.length === t.nodeCount, 'trie sizes');
  const trie: Trie = {
    tabNode,
    tabCode,
    tabChild,
    tabMask: t.tabMask,
    row,
    dense,
    oneSym,
    oneChild,
    pathAtoms: pick(t.path),
    endAtoms: pick(t.end),
    pathTracked: pick(t.pathTracked),
    endTracked: pick(t.endTracked),
    nodeCount: t.nodeCount,
  };
  const rulesVersion = lazyRulesVersion(measures);
  const innerAtoms = new Map(header.innerAtoms);
  const tailAtoms = new Map(header.tailAtoms);
  return {
    measures: measures.map((measure, index) => {
      const [query, requires, excludes] = header.measures[index] as [number, number, number];
      return { measure, index, query: ref(query), requires: opt(requires), excludes: opt(excludes) };
    }),
    trie,
    stemAtoms: new Map(header.stemAtoms),
    exactAtoms: new Map(header.exactAtoms),
    prefixAtoms: new Map(header.prefixAtoms),
    innerAtoms,
    tailAtoms,
    // Rebuilt, not stored: a few dozen words at most, and the bytes stay the trie's.
    infix: buildInfixMatcher(innerAtoms, tailAtoms),
    atomCount: header.atomCount,
    nodeCount: nodes.length,
    nodes,
    anyCount: header.anyCount,
    anys,
    phraseCount: header.phraseCount,
    atomPhrases: header.atomPhrases,
    atomMeasures: header.atomMeasures,
    alwaysEvaluate: header.alwaysEvaluate,
    stageCues: header.stageCues.map(([stage, id]) => ({ stage, node: ref(id) })),
    contextCues: header.contextCues.map(([kind, trigger, id]) => ({
      kind,
      trigger: opt(trigger),
      node: ref(id),
    })),
    contextExceptions: ref(header.contextExceptions),
    modalCues: new Map(header.modalCues),
    modalMaxWords: header.modalMaxWords,
    nounMarkers: new Set(header.nounMarkers),
    get rulesVersion(): string {
      return rulesVersion();
    },
  };
}
