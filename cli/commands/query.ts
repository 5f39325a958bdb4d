/** `radar query`: stored matches, newest first, by key/index queries (never a scan). */
import { resolve } from 'node:path';
import type { StoredMatch } from '../../shared/domain/types.js';
import { QueryValidationError, queryMatches } from '../../shared/use-cases/query-matches.js';
import { parseOptions } from '../args.js';
import { type CliIo, UsageError } from '../io.js';
import { openLocalStore } from '../local-runtime.js';

const FORMATS = ['table', 'jsonl', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const CSV_COLUMNS = [
  'published',
  'measureId',
  'severity',
  'stage',
  'feedId',
  'title',
  'link',
  'score',
  'evidence',
  'itemKey',
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote always-needed cases and neutralise spreadsheet formula injection.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per match in the requested format. */
export function formatMatch(m: StoredMatch, format: Format): string {
  const evidence = m.evidence.map((e) => e.text).join(' | ');
  if (format === 'jsonl') return JSON.stringify(m);
  if (format === 'csv') {
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = { ...m, evidence };
    return CSV_COLUMNS.map((c) => csvCell(row[c])).join(',');
  }
  const title = (m.title ?? '(untitled)').replace(/\s+/g, ' ');
  return `${m.published.slice(0, 16).replace('T', ' ')}  ${m.measureId.padEnd(14)} ${m.severity.padEnd(8)} ${m.feedId.padEnd(16)} ${
    title.length > 90 ? `${title.slice(0, 89)}…` : title
  }${m.link ? `  ${m.link}` : ''}`;
}

export default async function query(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('query', args, {
    measure: { type: 'string' },
    feed: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(
      `radar query: --format: expected one of ${FORMATS.join(', ')}, got "${values.format}"`,
    );
  }
  const local = await openLocalStore(resolve(io.cwd, values['data-dir'] ?? '.data'));
  try {
    const limit = values.limit === undefined ? 100 : values.limit;
    let page: Awaited<ReturnType<typeof queryMatches>>;
    try {
      page = await queryMatches(
        { matches: local.store },
        { measure: values.measure, feed: values.feed, since: values.since, until: values.until, limit },
      );
    } catch (err) {
      if (err instanceof QueryValidationError) throw new UsageError(`radar query: --${err.message}`);
      throw err;
    }
    if (format === 'csv') io.stdout.write(`${CSV_COLUMNS.join(',')}\n`);
    for (const m of page.matches) io.stdout.write(`${formatMatch(m, format)}\n`);
    if (format === 'table')
      io.stderr.write(`${page.matches.length} matches${page.cursor ? ' (more: raise --limit)' : ''}\n`);
  } finally {
    await local.close();
  }
  return 0;
}
