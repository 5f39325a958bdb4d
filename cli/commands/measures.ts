/**
 * `radar measures check [--measures FILE]`: validates a measures file (schema and query syntax of
 * every clause) and prints a one-line summary. Exit 0 when valid, 1 when the file is invalid. A valid
 * file can still carry warnings (stderr): a phrase written for an English possessive ("russia s
 * central bank"), which never matches since the tokeniser drops "'s".
 *
 * `radar measures words [--measures FILE] [--items FILE] [--measure ID] [--limit N] [--json]`: for
 * each wildcard term (`sanction*`, `*verbot*`, `*bank`), and each bare term that matches a form
 * other than the written one, the distinct words it matches in the items (JSON Lines {title,
 * summary}; stdin without --items), most frequent first. Folding makes short prefixes reach other
 * languages' words ("gel*" also catches German "Gelder"), and bare terms take English inflections
 * ("plan" catches "plane"): read this before trusting a term.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadMeasuresFile } from '../../shared/config/load-files.js';
import { auditWildcards, possessivePhrases, wordCounts } from '../../shared/domain/classifier/term-audit.js';
import { parseOptions } from '../args.js';
import { type CliIo, UsageError } from '../io.js';
import { DEFAULT_MEASURES_FILE, loadClassifier } from './classify.js';

function isInputError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && (code === 'CONFIG' || code === 'MEASURE_QUERY');
}

/** `radar measures` entry point (subcommands `check` and `words`). */
export default async function measures(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'words') return words(rest, io);
  if (sub !== 'check') {
    throw new UsageError(
      `radar measures: expected the subcommand "check" or "words", got ${sub === undefined ? 'nothing' : `"${sub}"`}`,
    );
  }
  const { values } = parseOptions('measures check', rest, { measures: { type: 'string' } });
  const file = resolve(io.cwd, values.measures ?? DEFAULT_MEASURES_FILE);
  try {
    const classifier = await loadClassifier(file, io.cwd);
    io.stdout.write(
      `${file}: ok, ${classifier.measures.length} measures (${classifier.measures.map((m) => m.id).join(', ')}), rules version ${classifier.rulesVersion}\n`,
    );
    // Valid, but a phrase written for an English possessive can never match: say so (exit 0).
    for (const p of possessivePhrases(classifier.measures)) {
      io.stderr.write(
        `${file}: warning: measure "${p.measureId}" ${p.clause}: phrase "${p.phrase}" never matches a possessive ("'s" is dropped when text is tokenised); write "${p.suggestion}"\n`,
      );
    }
    return 0;
  } catch (err) {
    if (!isInputError(err)) throw err;
    // Query errors name the measure but not the file; config errors already name it.
    io.stderr.write(`${err.code === 'MEASURE_QUERY' ? `${file}: ` : ''}${err.message}\n`);
    return 1;
  }
}

async function readAll(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The title and summary of each JSON line; a bad line is a UsageError naming the input and line. */
function itemTexts(text: string, source: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new UsageError(`radar measures words: ${source} line ${i + 1}: not JSON`);
    }
    const { title, summary } = (item ?? {}) as { title?: unknown; summary?: unknown };
    if (
      typeof title !== 'string' ||
      (summary !== undefined && summary !== null && typeof summary !== 'string')
    ) {
      throw new UsageError(
        `radar measures words: ${source} line ${i + 1}: expected an object with a string "title" and an optional string "summary"`,
      );
    }
    out.push(title, typeof summary === 'string' ? summary : '');
  });
  return out;
}

async function words(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('measures words', args, {
    measures: { type: 'string' },
    items: { type: 'string' },
    measure: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const limit = values.limit === undefined ? 12 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`radar measures words: --limit must be a positive integer, got "${values.limit}"`);
  }
  const file = resolve(io.cwd, values.measures ?? DEFAULT_MEASURES_FILE);
  const list = await loadMeasuresFile(file);
  if (values.measure !== undefined && !list.some((m) => m.id === values.measure)) {
    throw new UsageError(
      `radar measures words: --measure "${values.measure}" is not in ${file} (${list.map((m) => m.id).join(', ')})`,
    );
  }
  const source = values.items === undefined ? 'stdin' : resolve(io.cwd, values.items);
  const input = values.items === undefined ? await readAll(io) : await readFile(source, 'utf8');
  const counts = wordCounts(itemTexts(input, source));
  const report = auditWildcards(list, counts, { measureId: values.measure, maxWords: limit });
  for (const t of report) {
    if (values.json) {
      io.stdout.write(`${JSON.stringify(t)}\n`);
      continue;
    }
    const head = `${t.term}  (${t.kind}; ${t.measures.join(', ')})`;
    const body =
      t.distinct === 0
        ? 'no word in these items'
        : `${t.distinct} word${t.distinct === 1 ? '' : 's'}, ${t.total} time${t.total === 1 ? '' : 's'}: ${t.words.map((w) => `${w.word} ${w.count}`).join(', ')}${t.distinct > t.words.length ? ', …' : ''}`;
    io.stdout.write(`${head}: ${body}\n`);
  }
  return 0;
}
