/** `radar parse FILE…`: one JSON line per file with the normalised feed, or a typed error. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FeedParseError, parseFeed } from '../../shared/domain/feed/index.js';
import type { ParsedFeed } from '../../shared/domain/types.js';
import { parseOptions } from '../args.js';
import { type CliIo, UsageError } from '../io.js';

/** Per-file cap: parsing is linear, so this only guards against a pathological input. */
const FILE_TIME_CAP_MS = 10_000;

type ParseLine =
  | {
      file: string;
      ok: true;
      format: ParsedFeed['format'];
      feed: ParsedFeed['feed'];
      items: ParsedFeed['items'];
    }
  | { file: string; ok: false; error: { code: string; message: string } };

function withTimeCap<T>(promise: Promise<T>, ms: number, file: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new FeedParseError('TIMEOUT', `${file}: parsing took over ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, cap]).finally(() => clearTimeout(timer));
}

async function parseOne(
  file: string,
  io: CliIo,
  contentType: string | null,
  baseUrl: string | null,
): Promise<ParseLine> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'unreadable';
    return { file, ok: false, error: { code: 'READ_ERROR', message: `cannot read ${file}: ${reason}` } };
  }
  try {
    const parsed = await withTimeCap(parseFeed(bytes, { contentType, baseUrl }), FILE_TIME_CAP_MS, file);
    return { file, ok: true, format: parsed.format, feed: parsed.feed, items: parsed.items };
  } catch (err) {
    if (err instanceof FeedParseError)
      return { file, ok: false, error: { code: err.code, message: err.message } };
    // parseFeed promises FeedParseError only; anything else is a bug, reported for this file alone.
    const message = err instanceof Error ? err.message : String(err);
    return { file, ok: false, error: { code: 'INTERNAL', message } };
  }
}

/** Parses each FILE in turn and prints `{file, ok, …}` per line; exit 0 unless the arguments are bad. */
export default async function parse(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'parse',
    args,
    { 'content-type': { type: 'string' }, 'base-url': { type: 'string' } },
    true,
  );
  if (positionals.length === 0) {
    throw new UsageError('radar parse: give at least one feed file (radar parse FILE…)');
  }
  const contentType = typeof values['content-type'] === 'string' ? values['content-type'] : null;
  const baseUrl = typeof values['base-url'] === 'string' ? values['base-url'] : null;
  for (const file of positionals) {
    const line = await parseOne(file, io, contentType, baseUrl);
    io.stdout.write(`${JSON.stringify(line)}\n`);
  }
  return 0;
}
