/**
 * Named query blocks for measures.yaml. A file may define blocks once and use them in any clause:
 *
 *   definitions:
 *     russia: russia* OR russian* OR moscow* OR kremlin*
 *     development: announc* OR adopt* OR impose OR propos*
 *   measures:
 *     - id: ru-energy
 *       requires: '@russia AND (@development)'
 *
 * `@name` stands for `(text of the block)`; a block may use other blocks. Expansion happens when
 * the file is loaded, so a Measure always carries complete clauses: the matcher, the rules
 * version, stored matches and `radar explain` see the text a block stands for. Inside "quoted
 * phrases" an @ is plain text. Errors name the file, the measure or block, and the position in
 * the text as written.
 */
import { MeasureQueryError, type QueryClause } from '../domain/classifier/errors.js';
import { parseQuery } from '../domain/classifier/query-parser.js';
import type { Measure } from '../domain/types.js';
import { ConfigError } from './config-error.js';

/** A block name: lower case, digits and dashes, starting with a letter. */
export const DEFINITION_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `@name` outside quotes; the name ends at the first character that cannot be part of one. */
const REFERENCE = /"[^"]*"?|@([a-z][a-z0-9-]*)/g;

/** The @names a clause uses, with their offsets, outside quoted phrases. */
function references(text: string): Array<{ name: string; at: number; length: number }> {
  const out: Array<{ name: string; at: number; length: number }> = [];
  for (const m of text.matchAll(REFERENCE)) {
    if (m[1] !== undefined) out.push({ name: m[1], at: m.index, length: m[0].length });
  }
  return out;
}

/** The clause with each @reference replaced by `by(name, length)`. */
function substitute(text: string, by: (name: string, length: number) => string): string {
  let out = '';
  let last = 0;
  for (const r of references(text)) {
    out += `${text.slice(last, r.at)}${by(r.name, r.length)}`;
    last = r.at + r.length;
  }
  return out + text.slice(last);
}

/** The clause with each reference replaced by a word of the same length (for position-true parsing). */
function withPlaceholders(text: string): string {
  return substitute(text, (_name, length) => 'd'.repeat(length));
}

function replaceReferences(text: string, expand: (name: string) => string): string {
  return substitute(text, (name) => `(${expand(name)})`);
}

/** Checks the blocks and resolves the ones that use others; throws ConfigError. */
function resolveDefinitions(definitions: Record<string, string>, file: string): Map<string, string> {
  const known = Object.keys(definitions);
  for (const name of known) {
    if (!DEFINITION_NAME.test(name)) {
      throw new ConfigError(
        `${file}: definitions.${name}: a block name is lower case letters, digits and dashes, starting with a letter`,
        file,
      );
    }
  }
  const resolved = new Map<string, string>();
  const resolve = (name: string, trail: string[]): string => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    if (trail.includes(name)) {
      throw new ConfigError(
        `${file}: definitions.${trail[0]}: refers to itself through ${[...trail.slice(trail.indexOf(name)), name].map((n) => `@${n}`).join(' → ')}`,
        file,
      );
    }
    const text = definitions[name] as string;
    try {
      checkSyntax(text, `@${name}`, 'query', file, `definitions.${name}`, definitions);
    } catch (err) {
      if (!(err instanceof MeasureQueryError)) throw err;
      throw new ConfigError(
        `${file}: definitions.${name}: at position ${err.position}: expected ${err.expected} but found ${err.found}`,
        file,
      );
    }
    const expanded = replaceReferences(text, (ref) => resolve(ref, [...trail, name]));
    resolved.set(name, expanded);
    return expanded;
  };
  for (const name of known) resolve(name, []);
  return resolved;
}

/**
 * Parses a clause as written (references standing in as words), so a syntax error reports the
 * position in the file's text, and rejects unknown references.
 */
function checkSyntax(
  text: string,
  owner: string,
  clause: QueryClause,
  file: string,
  where: string,
  definitions: Record<string, string>,
): void {
  for (const r of references(text)) {
    if (!Object.hasOwn(definitions, r.name)) {
      const known = Object.keys(definitions);
      throw new ConfigError(
        `${file}: ${where}: unknown block @${r.name} at position ${r.at + 1} (${known.length === 0 ? 'the file has no definitions' : `defined: ${known.map((n) => `@${n}`).join(', ')}`})`,
        file,
      );
    }
  }
  parseQuery(withPlaceholders(text), owner, clause);
}

/**
 * Expands the @references of every clause; throws ConfigError (unknown block, cycle, bad name)
 * or MeasureQueryError (a clause or block that does not parse, with its position as written).
 */
export function expandDefinitions(
  measures: readonly Measure[],
  definitions: Record<string, string>,
  file: string,
): Measure[] {
  const hasReference = (m: Measure) => [m.query, m.requires, m.excludes].some((c) => c?.includes('@'));
  if (Object.keys(definitions).length === 0 && !measures.some(hasReference)) return [...measures];
  const resolved = resolveDefinitions(definitions, file);
  return measures.map((m, i) => {
    const expand = (clause: 'query' | 'requires' | 'excludes', text: string | null): string | null => {
      if (text === null || references(text).length === 0) return text;
      checkSyntax(text, m.id, clause, file, `measures[${i}] (id "${m.id}"): ${clause}`, definitions);
      return replaceReferences(text, (name) => resolved.get(name) as string);
    };
    return {
      ...m,
      query: expand('query', m.query) as string,
      requires: expand('requires', m.requires),
      excludes: expand('excludes', m.excludes),
    };
  });
}
