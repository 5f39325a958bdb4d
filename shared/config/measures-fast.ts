/**
 * Lean measures.yaml loader for commands that must start fast (`radar classify`): parses the plain
 * block-style subset the measures files use without loading the YAML library and zod (together a
 * third of a cold start). Anything outside that subset, or anything the schema would reject, makes
 * it return null, and loadMeasuresFileFast then falls back to load-files.ts: the same Measure[] for
 * every file, and exactly the same error messages for bad ones.
 */
import { readFile } from 'node:fs/promises';
import { type Measure, SEVERITIES, type Severity } from '../domain/types.js';
import { expandDefinitions } from './definitions.js';

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Plain scalars taken as strings: start with a letter, no YAML indicators, no comment. */
const PLAIN = /^[A-Za-z][A-Za-z0-9 ._/()-]*$/;
/** Plain scalars YAML reads as booleans or null under some schema: left to the full parser. */
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null)$/i;
const KEY_LINE = /^( *)(- )?([a-z]+):(?: (.*))?$/;
/** A `definitions:` entry: two spaces, a block name, a colon. */
const DEFINITION_LINE = /^ {2}([a-z][a-z0-9-]*):(?: (.*))?$/;
const STRING_KEYS = new Set(['id', 'name', 'severity', 'query', 'requires', 'excludes', 'notes']);

type Value = string | string[];

/** Indentation of a line (spaces only), or -1 for a blank or comment-only line. */
function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i === line.length || line.charCodeAt(i) === 35 ? -1 : i;
}

class Lines {
  i = 0;
  constructor(readonly lines: string[]) {}
}

/** A scalar starting on the key's line; null when outside the subset. Advances past its lines. */
function readValue(src: Lines, keyIndent: number, raw: string | undefined): Value | null {
  const { lines } = src;
  const first = raw === undefined ? '' : raw.replace(/ +$/, '');
  if (first === '>-') {
    // Folded, strip chomping: lines at one indentation joined by spaces, no blank lines inside.
    const parts: string[] = [];
    let indent = -1;
    while (src.i < lines.length) {
      const line = lines[src.i] as string;
      if (line.trim() === '') {
        // A white-space-only line can be content of the block: left to the full parser.
        if (line !== '') return null;
        let j = src.i + 1;
        while (j < lines.length && (lines[j] as string).trim() === '') j++;
        if (j < lines.length && indentOf(lines[j] as string) > keyIndent) return null;
        break;
      }
      let k = 0;
      while (k < line.length && line.charCodeAt(k) === 32) k++;
      if (k <= keyIndent) break;
      if (indent === -1) indent = k;
      else if (k !== indent) return null;
      if (/\s$/.test(line)) return null;
      parts.push(line.slice(k));
      src.i++;
    }
    return parts.length === 0 ? null : parts.join(' ');
  }
  if (first.startsWith('"')) {
    // Double-quoted without escapes; line breaks fold to one space, as YAML does.
    const pieces = [first.slice(1)];
    let end = pieces[0]?.indexOf('"') ?? -1;
    while (end === -1) {
      if (src.i >= lines.length) return null;
      const line = lines[src.i++] as string;
      if (line.trim() === '' || indentOf(line) <= keyIndent) return null;
      pieces.push(line);
      end = line.indexOf('"');
    }
    const last = pieces.length - 1;
    const tail = (pieces[last] as string).slice(end + 1);
    if (tail.trim() !== '' && !/^ +#/.test(tail)) return null;
    pieces[last] = (pieces[last] as string).slice(0, end);
    const text = pieces
      .map((p, k) => {
        let s = p;
        if (k < last) s = s.replace(/[ \t]+$/, '');
        if (k > 0) s = s.replace(/^[ \t]+/, '');
        return s;
      })
      .join(' ');
    return text.includes('\\') || /[\t\r]/.test(text) ? null : text;
  }
  if (first.startsWith("'")) {
    // Single-quoted, one line: '' is a quote.
    let k = 1;
    let out = '';
    for (;;) {
      const q = first.indexOf("'", k);
      if (q === -1) return null;
      out += first.slice(k, q);
      if (first[q + 1] === "'") {
        out += "'";
        k = q + 2;
        continue;
      }
      const tail = first.slice(q + 1);
      if (tail.trim() !== '' && !/^ +#/.test(tail)) return null;
      return /\t/.test(out) ? null : out;
    }
  }
  if (first.startsWith('[')) {
    if (!first.endsWith(']')) return null;
    const inner = first.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.split(',').map((s) => s.trim());
    for (const item of items) if (!PLAIN.test(item) || RESERVED.test(item) || item.includes(' ')) return null;
    return items;
  }
  if (first === '' || !PLAIN.test(first) || RESERVED.test(first)) return null;
  // A plain scalar continued on the next line is left to the full parser.
  const next = lines[src.i];
  if (next !== undefined && indentOf(next) > keyIndent) return null;
  return first;
}

/** Parses measures.yaml text on the lean path; null when the text uses anything outside its subset. */
export function parseMeasuresFast(text: string): Measure[] | null {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return null;
  const src = new Lines(text.split('\n'));
  const { lines } = src;
  // Header: comments and blank lines, optionally `definitions:` (name: text entries), then `measures:`.
  const skipBlank = () => {
    while (src.i < lines.length && indentOf(lines[src.i] as string) === -1) src.i++;
  };
  skipBlank();
  const definitions: Record<string, string> = {};
  if (lines[src.i] === 'definitions:') {
    src.i++;
    for (skipBlank(); src.i < lines.length && lines[src.i] !== 'measures:'; skipBlank()) {
      const m = DEFINITION_LINE.exec(lines[src.i] as string);
      if (m === null || Object.hasOwn(definitions, m[1] as string)) return null;
      src.i++;
      const value = readValue(src, 2, m[2]);
      if (typeof value !== 'string' || value === '') return null;
      definitions[m[1] as string] = value;
    }
  }
  if (lines[src.i] !== 'measures:') return null;
  src.i++;
  const entries: Array<Map<string, Value>> = [];
  let dashIndent = -1;
  let current: Map<string, Value> | null = null;
  while (src.i < lines.length) {
    const line = lines[src.i] as string;
    if (indentOf(line) === -1) {
      src.i++;
      continue;
    }
    const m = KEY_LINE.exec(line);
    if (m === null) return null;
    const indent = (m[1] as string).length;
    const key = m[3] as string;
    if (m[2] !== undefined) {
      if (dashIndent === -1) dashIndent = indent;
      if (indent !== dashIndent) return null;
      current = new Map();
      entries.push(current);
    } else if (current === null || indent !== dashIndent + 2) return null;
    if (current.has(key)) return null;
    src.i++;
    const value = readValue(src, dashIndent + 2, m[4]);
    if (value === null) return null;
    current.set(key, value);
  }
  // An empty list is a schema error ("measures: must be a list"): the full parser words it.
  if (entries.length === 0) return null;
  const measures: Measure[] = [];
  const ids = new Set<string>();
  for (const entry of entries) {
    for (const [key, value] of entry) {
      if (
        key === 'jurisdictions'
          ? typeof value === 'string'
          : !STRING_KEYS.has(key) || typeof value !== 'string'
      )
        return null;
    }
    const id = entry.get('id');
    const name = entry.get('name');
    const severity = entry.get('severity');
    const query = entry.get('query');
    const requires = entry.get('requires');
    const excludes = entry.get('excludes');
    const jurisdictions = entry.get('jurisdictions');
    const notes = entry.get('notes');
    if (typeof id !== 'string' || !ID.test(id) || ids.has(id)) return null;
    if (typeof name !== 'string' || name === '' || typeof query !== 'string' || query === '') return null;
    if (typeof severity !== 'string' || !SEVERITIES.includes(severity as Severity)) return null;
    if (requires === '' || excludes === '') return null;
    ids.add(id);
    measures.push({
      id,
      name,
      severity: severity as Severity,
      query,
      requires: (requires as string | undefined) ?? null,
      excludes: (excludes as string | undefined) ?? null,
      jurisdictions: (jurisdictions as string[] | undefined) ?? [],
      notes: (notes as string | undefined) ?? null,
    });
  }
  try {
    return expandDefinitions(measures, definitions, 'measures.yaml');
  } catch {
    // Worded by the full loader, with the file's path.
    return null;
  }
}

/**
 * Loads a measures file: the lean parser when the file is in its subset, else load-files.ts
 * (YAML and zod, loaded only then) — the same Measure[] either way, and the same errors.
 */
export async function loadMeasuresFileFast(path: string): Promise<Measure[]> {
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // Reported by the full loader, in its words.
  }
  const fast = text === null ? null : parseMeasuresFast(text);
  if (fast !== null) return fast;
  const { loadMeasuresFile } = await import('./load-files.js');
  return loadMeasuresFile(path);
}
