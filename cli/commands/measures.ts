/**
 * `radar measures check [--measures FILE]`: validates a measures file (schema and query syntax of
 * every clause) and prints a one-line summary. Exit 0 when valid, 1 when the file is invalid.
 */
import { resolve } from 'node:path';
import { parseOptions } from '../args.js';
import { type CliIo, UsageError } from '../io.js';
import { DEFAULT_MEASURES_FILE, loadClassifier } from './classify.js';

function isInputError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && (code === 'CONFIG' || code === 'MEASURE_QUERY');
}

/** `radar measures` entry point (subcommand `check`). */
export default async function measures(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') {
    throw new UsageError(
      `radar measures: expected the subcommand "check", got ${sub === undefined ? 'nothing' : `"${sub}"`}`,
    );
  }
  const { values } = parseOptions('measures check', rest, { measures: { type: 'string' } });
  const file = resolve(io.cwd, values.measures ?? DEFAULT_MEASURES_FILE);
  try {
    const classifier = await loadClassifier(file, io.cwd);
    io.stdout.write(
      `${file}: ok, ${classifier.measures.length} measures (${classifier.measures.map((m) => m.id).join(', ')}), rules version ${classifier.rulesVersion}\n`,
    );
    return 0;
  } catch (err) {
    if (!isInputError(err)) throw err;
    // Query errors name the measure but not the file; config errors already name it.
    io.stderr.write(`${err.code === 'MEASURE_QUERY' ? `${file}: ` : ''}${err.message}\n`);
    return 1;
  }
}
