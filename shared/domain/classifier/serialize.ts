/**
 * A compiled measure set as bytes and back, so `radar classify` can skip compiling (about 140 ms
 * of a cold start with the default measures, more than the rest of its start-up) when the measures
 * have not changed. Pure: the CLI decides where the bytes live (cli/compile-cache.ts).
 *
 * Layout: 8-byte magic, u32 length of a UTF-8 JSON header, the header, u32 length of a UTF-8 JSON
 * word table (the atoms' words, read only when a caller asks: the matcher never does), the table,
 * padding to 4 bytes, then the typed arrays back to back (lengths in the header): the trie and
 * every atom → list table (Postings), so reading a set back builds no array per atom or node of
 * the trie. The header holds the DAG (one entry per node, children before parents) and the cue
 * tables. The Measure objects are not stored: deserializeSet takes the caller's, checked against
 * the stored ids.
 */
import type { Measure, Stage } from '../types.js';
import {
  type CompiledNode,
  type CompiledSet,
  type InfixMatcher,
  lazyRulesVersion,
  makeNode,
  type Postings,
  type Trie,
} from './compile.js';
import type { ContextKind } from './context.js';

const MAGIC = 'RADARCS5';

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
  innerAtoms: Array<[string, number]>;
  tailAtoms: Array<[string, number]>;
  alwaysEvaluate: number[];
  stageCues: Array<[Stage, number]>;
  contextCues: Array<[ContextKind, number, number]>;
  contextExceptions: number;
  modalCues: Array<[string, Stage]>;
  modalMaxWords: number;
  nounMarkers: string[];
  /** The inner/tail matcher's tables but its transitions (stored as binary), or null. */
  infix: {
    wide: Array<[number, number]>;
    width: number;
    innerFrom: number;
    inner: number[][];
    tail: number[][];
  } | null;
  tabMask: number;
  trieNodes: number;
  /** Element counts of the binary arrays, in BINARY order. */
  sizes: number[];
}

/** The word → atom maps, stored apart from the header and parsed on first use. */
interface WordTable {
  stemAtoms: Array<[string, number]>;
  exactAtoms: Array<[string, number]>;
  prefixAtoms: Array<[string, number]>;
}

/** The typed arrays stored as binary (all Int32), in this order. */
const BINARY = [
  'tabNode',
  'tabCode',
  'tabChild',
  'next',
  'dense',
  'tokenAtoms.start',
  'tokenAtoms.data',
  'tokenTracked.start',
  'tokenTracked.data',
  'atomMeasures.start',
  'atomMeasures.data',
  'atomPhrases.start',
  'atomPhrases.data',
  'atomLongAnys.start',
  'atomLongAnys.data',
  'infix.delta',
] as const;

type BinaryName = (typeof BINARY)[number];

/** The set's typed arrays by name (serializeSet writes them in BINARY order). */
function binaryArrays(set: CompiledSet): Record<BinaryName, Int32Array> {
  const { trie } = set;
  return {
    tabNode: trie.tabNode,
    tabCode: trie.tabCode,
    tabChild: trie.tabChild,
    next: trie.next,
    dense: trie.dense,
    'tokenAtoms.start': trie.tokenAtoms.start,
    'tokenAtoms.data': trie.tokenAtoms.data,
    'tokenTracked.start': trie.tokenTracked.start,
    'tokenTracked.data': trie.tokenTracked.data,
    'atomMeasures.start': set.atomMeasures.start,
    'atomMeasures.data': set.atomMeasures.data,
    'atomPhrases.start': set.atomPhrases.start,
    'atomPhrases.data': set.atomPhrases.data,
    'atomLongAnys.start': set.atomLongAnys.start,
    'atomLongAnys.data': set.atomLongAnys.data,
    // Stored 32-bit whatever its width in memory (the matcher picks 16 bits when states fit).
    'infix.delta': set.infix === null ? new Int32Array(0) : Int32Array.from(set.infix.delta),
  };
}

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
  const byName = binaryArrays(set);
  const arrays = BINARY.map((name) => byName[name]);
  const header: Header = {
    measureIds: set.measures.map((m) => m.measure.id),
    nodes: set.nodes.map(encodeNode),
    measures: set.measures.map((m) => [m.query.id, m.requires?.id ?? -1, m.excludes?.id ?? -1]),
    atomCount: set.atomCount,
    anyCount: set.anyCount,
    phraseCount: set.phraseCount,
    innerAtoms: [...set.innerAtoms],
    tailAtoms: [...set.tailAtoms],
    alwaysEvaluate: set.alwaysEvaluate,
    stageCues: set.stageCues.map((c) => [c.stage, c.node.id]),
    contextCues: set.contextCues.map((c) => [c.kind, c.trigger?.id ?? -1, c.node.id]),
    contextExceptions: set.contextExceptions.id,
    modalCues: [...set.modalCues],
    modalMaxWords: set.modalMaxWords,
    nounMarkers: [...set.nounMarkers],
    infix:
      set.infix === null
        ? null
        : {
            wide: [...set.infix.wide],
            width: set.infix.width,
            innerFrom: set.infix.innerFrom,
            inner: set.infix.inner as number[][],
            tail: set.infix.tail as number[][],
          },
    tabMask: set.trie.tabMask,
    trieNodes: set.trie.nodeCount,
    sizes: arrays.map((a) => a.length),
  };
  const words: WordTable = {
    stemAtoms: [...set.stemAtoms],
    exactAtoms: [...set.exactAtoms],
    prefixAtoms: [...set.prefixAtoms],
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const table = Buffer.from(JSON.stringify(words), 'utf8');
  const tableAt = 12 + json.length;
  const start = align4(tableAt + 4 + table.length);
  const total = start + arrays.reduce((sum, a) => sum + a.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  view.setUint32(tableAt, table.length, true);
  out.set(table, tableAt + 4);
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
  const tableAt = 12 + jsonLength;
  check(tableAt + 4 <= bytes.length, 'truncated word table');
  const tableLength = view.getUint32(tableAt, true);
  check(tableAt + 4 + tableLength <= bytes.length, 'truncated word table');
  const tableText = Buffer.from(bytes.subarray(tableAt + 4, tableAt + 4 + tableLength)).toString('utf8');
  // Typed arrays: views of the bytes when they are 4-byte aligned (a file read into its own buffer),
  // else copies.
  check(header.sizes.length === BINARY.length, 'array count');
  const arrays = {} as Record<BinaryName, Int32Array>;
  let at = align4(tableAt + 4 + tableLength);
  const aligned = bytes.byteOffset % 4 === 0;
  BINARY.forEach((name, i) => {
    const count = header.sizes[i] as number;
    check(at + count * 4 <= bytes.length, 'truncated arrays');
    if (aligned) arrays[name] = new Int32Array(bytes.buffer, bytes.byteOffset + at, count);
    else arrays[name] = new Int32Array(new Uint8Array(bytes.subarray(at, at + count * 4)).buffer);
    at += count * 4;
  });
  check(at === bytes.length, 'trailing bytes');

  const nodes: CompiledNode[] = [];
  const anys: Array<Extract<CompiledNode, { k: 'any' }>> = new Array(header.anyCount);
  const ref = (id: number): CompiledNode => {
    const node = nodes[id];
    // No check() here: its message would be built for every reference.
    if (node === undefined) throw new CompiledSetFormatError(`compiled measure set: node ${id} out of order`);
    return node;
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
  const opt = (id: number) => (id < 0 ? null : ref(id));

  const int32 = (name: BinaryName) => arrays[name];
  const postings = (
    name: 'tokenAtoms' | 'tokenTracked' | 'atomMeasures' | 'atomPhrases' | 'atomLongAnys',
    n: number,
  ) => {
    const p: Postings = { start: int32(`${name}.start`), data: int32(`${name}.data`) };
    check(p.start.length === n + 1 && p.start[n] === p.data.length, `list table ${name}`);
    return p;
  };
  const nodeCount = header.trieNodes;
  check(int32('tabNode').length === header.tabMask + 1 && int32('next').length === nodeCount, 'trie sizes');
  const trie: Trie = {
    tabNode: int32('tabNode'),
    tabCode: int32('tabCode'),
    tabChild: int32('tabChild'),
    tabMask: header.tabMask,
    next: int32('next'),
    dense: int32('dense'),
    tokenAtoms: postings('tokenAtoms', nodeCount * 2),
    tokenTracked: postings('tokenTracked', nodeCount * 2),
    nodeCount,
  };
  let words: WordTable | null = null;
  const word = (name: keyof WordTable): Map<string, number> => {
    words ??= JSON.parse(tableText) as WordTable;
    return new Map(words[name]);
  };
  const lazy = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const stemAtoms = lazy(() => word('stemAtoms'));
  const exactAtoms = lazy(() => word('exactAtoms'));
  const prefixAtoms = lazy(() => word('prefixAtoms'));
  const rulesVersion = lazyRulesVersion(measures);
  const innerAtoms = new Map(header.innerAtoms);
  const tailAtoms = new Map(header.tailAtoms);
  return {
    measures: measures.map((measure, index) => {
      const [query, requires, excludes] = header.measures[index] as [number, number, number];
      return { measure, index, query: ref(query), requires: opt(requires), excludes: opt(excludes) };
    }),
    trie,
    get stemAtoms(): Map<string, number> {
      return stemAtoms();
    },
    get exactAtoms(): Map<string, number> {
      return exactAtoms();
    },
    get prefixAtoms(): Map<string, number> {
      return prefixAtoms();
    },
    innerAtoms,
    tailAtoms,
    infix: readInfix(header.infix, int32('infix.delta')),
    atomCount: header.atomCount,
    nodeCount: nodes.length,
    nodes,
    anyCount: header.anyCount,
    anys,
    phraseCount: header.phraseCount,
    atomPhrases: postings('atomPhrases', header.atomCount),
    atomMeasures: postings('atomMeasures', header.atomCount),
    atomLongAnys: postings('atomLongAnys', header.atomCount),
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

/** The stored inner/tail matcher (16-bit transitions when the states fit, as buildInfixMatcher does). */
function readInfix(stored: Header['infix'], delta: Int32Array): InfixMatcher | null {
  if (stored === null) {
    check(delta.length === 0, 'infix table without a matcher');
    return null;
  }
  check(delta.length === stored.inner.length * stored.width, 'infix table size');
  return {
    wide: new Map(stored.wide),
    width: stored.width,
    delta: delta.length <= 0xffff ? Uint16Array.from(delta) : delta,
    innerFrom: stored.innerFrom,
    inner: stored.inner,
    tail: stored.tail,
  };
}
