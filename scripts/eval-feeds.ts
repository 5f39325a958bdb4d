/**
 * Measures feed decoding and parsing against other projects' corpora (../shared/data/feeds):
 * (a) every file gets a result, (b) real feeds vs the manifest, (c) feedparser's Expect: lines,
 * (d) gofeed's expected JSON. Usage: npx tsx scripts/eval-feeds.ts [DATA_DIR default ../shared/data]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Parser from 'rss-parser';
import {
  decodeFeedBytes,
  FeedParseError,
  htmlToText,
  mojibakeMarkers,
  parseFeed,
} from '../shared/domain/feed/index.js';
import type { ParsedFeed } from '../shared/domain/types.js';
import { scriptArgs } from './args.js';

const args = scriptArgs(
  'eval-feeds',
  'usage: npx tsx scripts/eval-feeds.ts [DATA_DIR=../shared/data] [--verbose]',
  { verbose: { type: 'boolean' } },
  1,
);
const dataDir = resolve(args.positionals[0] ?? join(import.meta.dirname, '../../shared/data'));
const feedsDir = join(dataDir, 'feeds');
if (!existsSync(join(feedsDir, 'real'))) {
  process.stderr.write(
    `eval-feeds: ${feedsDir}/real not found: give the shared data directory (holding feeds/)\n`,
  );
  process.exit(2);
}
const FILE_TIME_CAP_MS = 5000;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

type Outcome =
  | { kind: 'ok'; feed: ParsedFeed; ms: number }
  | { kind: 'error'; code: string; ms: number }
  | { kind: 'crash'; message: string; ms: number };

async function run(bytes: Uint8Array, contentType: string | null = null): Promise<Outcome> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new FeedParseError('TIMEOUT', 'time cap')), FILE_TIME_CAP_MS);
  });
  try {
    const feed = await Promise.race([parseFeed(bytes, { contentType }), cap]);
    return { kind: 'ok', feed, ms: performance.now() - start };
  } catch (err) {
    const ms = performance.now() - start;
    if (err instanceof FeedParseError) return { kind: 'error', code: err.code, ms };
    return { kind: 'crash', message: err instanceof Error ? err.message : String(err), ms };
  } finally {
    clearTimeout(timer);
  }
}

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);

// --- (a) every file gets a result

async function everyFile(): Promise<Map<string, Outcome>> {
  const files = walk(feedsDir).filter(
    (f) => !f.endsWith('.md') && !f.endsWith('.tsv') && !f.includes('.git'),
  );
  const outcomes = new Map<string, Outcome>();
  for (const file of files) outcomes.set(file, await run(readFileSync(file)));
  const values = [...outcomes.values()];
  const codes = new Map<string, number>();
  for (const o of values) if (o.kind === 'error') codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
  const slowest = [...outcomes.entries()].sort((a, b) => b[1].ms - a[1].ms)[0];
  console.log('\n(a) every file in feeds/** gets a result');
  console.log(
    `  files ${files.length}: ok ${values.filter((o) => o.kind === 'ok').length}, typed errors ${values.filter((o) => o.kind === 'error').length} ${JSON.stringify(Object.fromEntries(codes))}, crashes ${values.filter((o) => o.kind === 'crash').length}`,
  );
  if (slowest)
    console.log(`  max ${slowest[1].ms.toFixed(0)} ms per file (${relative(feedsDir, slowest[0])})`);
  for (const [file, o] of outcomes)
    if (o.kind === 'crash') console.log(`  CRASH ${relative(feedsDir, file)}: ${o.message}`);
  return outcomes;
}

// --- (b) real feeds vs the manifest

function realFeeds(outcomes: Map<string, Outcome>): void {
  const lines = readFileSync(join(feedsDir, 'real.manifest.tsv'), 'utf8').trim().split('\n');
  const header = (lines[0] ?? '').split('\t');
  const fileCol = header.indexOf('file');
  const minCol = header.indexOf('items_with_title_and_link');
  let complete = 0;
  let withBadTitles = 0;
  const problems: string[] = [];
  for (const line of lines.slice(1)) {
    const cols = line.split('\t');
    const file = cols[fileCol] ?? '';
    const expected = Number(cols[minCol]);
    const outcome = outcomes.get(join(feedsDir, 'real', file));
    if (outcome?.kind !== 'ok') {
      problems.push(`  ${file}: ${outcome?.kind === 'error' ? outcome.code : 'no result'}`);
      continue;
    }
    const got = outcome.feed.items.filter((i) => i.title && i.link).length;
    if (got >= expected) complete++;
    else problems.push(`  ${file}: ${got} items with title and link, manifest says ${expected}`);
    const bad = [outcome.feed.feed.title, ...outcome.feed.items.map((i) => i.title)].filter(
      (t) => t !== null && mojibakeMarkers(t) > 0,
    );
    if (bad.length > 0) {
      withBadTitles++;
      problems.push(`  ${file}: ${bad.length} titles with U+FFFD/mojibake, e.g. ${JSON.stringify(bad[0])}`);
    }
  }
  console.log('\n(b) feeds/real vs real.manifest.tsv');
  console.log(
    `  ${complete}/${lines.length - 1} files parse with at least the manifest's items_with_title_and_link`,
  );
  console.log(`  ${withBadTitles} files with U+FFFD or mojibake markers in titles`);
  for (const p of problems) console.log(p);
}

// --- (c) feedparser Expect: expressions

interface Check {
  scope: 'feed' | number;
  key: 'title' | 'link' | 'id';
  expected: string;
}

const PY_ESCAPE = /\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8}|n|t|r|\\|'|")/g;

/** Evaluates a Python string expression: literals (u'', '', "") joined by `+`; null for anything else. */
function pythonString(expr: string): string | null {
  let rest = expr.trim();
  let value = '';
  for (;;) {
    const m = /^u?(['"])((?:\\.|(?!\1)[^\\])*)\1/.exec(rest);
    if (!m) return null;
    value += (m[2] ?? '').replace(PY_ESCAPE, (_all, esc: string) => {
      if (esc === 'n') return '\n';
      if (esc === 't') return '\t';
      if (esc === 'r') return '\r';
      if (esc.length === 1) return esc;
      return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
    });
    rest = rest.slice(m[0].length).trim();
    if (rest === '') return value;
    if (!rest.startsWith('+')) return null;
    rest = rest.slice(1).trim();
  }
}

const KEYS: Record<string, Check['key']> = { title: 'title', link: 'link', id: 'id', guid: 'id' };

/** Parses the common Expect shapes into checks; null when any part is outside what we compare. */
function parseExpect(expr: string): Check[] | null {
  const body = expr.trim().replace(/^(not\s+)?bozo\s+and\s+/, '');
  if (/^(not\s+)?bozo$/.test(body)) return null;
  const conjuncts = body.split(/\s+and\s+(?=(?:feed|entries|\())/);
  const checks: Check[] = [];
  for (const raw of conjuncts) {
    const part = raw.trim().replace(/^\((.*)\)$/, '$1');
    const m =
      /^(feed|entries\[(\d+)\])(?:\[['"](\w+)['"]\]|\.(\w+))(?:\[['"]value['"]\])?\s*==\s*(u?(['"])[\s\S]*\6)$/.exec(
        part,
      );
    if (!m) return null;
    const field = (m[3] ?? m[4] ?? '').replace(/_detail$/, '');
    if (!m[3] && !m[4]) return null;
    if (part.includes('_detail') && !part.includes("['value']")) return null;
    const key = KEYS[field];
    const expected = pythonString(m[5] ?? '');
    if (!key || expected === null) return null;
    if (m[1] === 'feed' && key === 'id') return null;
    checks.push({ scope: m[1] === 'feed' ? 'feed' : Number(m[2]), key, expected });
  }
  return checks.length > 0 ? checks : null;
}

function normaliseLink(value: string): string {
  try {
    return new URL(value.trim()).href;
  } catch {
    return value.trim();
  }
}

function same(key: Check['key'], actual: unknown, expected: string): boolean {
  const got =
    typeof actual === 'string'
      ? actual
      : actual == null
        ? ''
        : typeof actual === 'object'
          ? JSON.stringify(actual)
          : String(actual);
  if (key === 'link') return normaliseLink(got) === normaliseLink(expected);
  if (key === 'id') return got.replace(/\s+/g, ' ').trim() === expected.replace(/\s+/g, ' ').trim();
  return htmlToText(got) === htmlToText(expected);
}

type Flat = { feed: Record<string, unknown>; entries: Array<Record<string, unknown>> };

function flatOurs(feed: ParsedFeed): Flat {
  return {
    feed: { title: feed.feed.title, link: feed.feed.link },
    entries: feed.items.map((i) => ({ title: i.title, link: i.link, id: i.guid })),
  };
}

function stringish(value: unknown): unknown {
  if (value && typeof value === 'object' && '_' in value) return (value as { _: unknown })._;
  return value;
}

async function flatRssParser(bytes: Uint8Array): Promise<Flat | null> {
  try {
    const out = (await new Parser().parseString(Buffer.from(bytes).toString('utf8'))) as unknown as Record<
      string,
      unknown
    > & {
      items?: Array<Record<string, unknown>>;
    };
    return {
      feed: { title: stringish(out.title), link: stringish(out.link) },
      entries: (out.items ?? []).map((i) => ({
        title: stringish(i.title),
        link: stringish(i.link),
        id: stringish(i.guid ?? i.id),
      })),
    };
  } catch {
    return null;
  }
}

function agrees(flat: Flat | null, checks: Check[]): boolean {
  if (!flat) return false;
  return checks.every((c) => {
    const scope = c.scope === 'feed' ? flat.feed : flat.entries[c.scope];
    return scope !== undefined && same(c.key, scope[c.key], c.expected);
  });
}

async function feedparser(outcomes: Map<string, Outcome>, verbose: boolean): Promise<void> {
  const files = walk(join(feedsDir, 'feedparser')).filter((f) => /\.(xml|rdf|atom|rss)$/.test(f));
  let eligible = 0;
  let ours = 0;
  let baseline = 0;
  let withHeaders = 0;
  let headerEligible = 0;
  let headerOurs = 0;
  const misses: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    const head = decodeFeedBytes(bytes).text.slice(0, 3000);
    const comment = /<!--([\s\S]*?)-->/.exec(head)?.[1] ?? '';
    const expect = /^\s*Expect:\s*(.*)$/m.exec(comment)?.[1];
    const checks = expect ? parseExpect(expect) : null;
    if (/^\s*Header:/m.test(comment)) {
      withHeaders++;
      // Not part of the headline figure; measured separately with the headers applied.
      if (!checks) continue;
      headerEligible++;
      const contentType = /^\s*Header:\s*Content-type:\s*(.*)$/im.exec(comment)?.[1] ?? null;
      const baseUrl = /^\s*Header:\s*Content-Location:\s*(.*)$/im.exec(comment)?.[1]?.trim() ?? null;
      const withHeader = await parseFeed(bytes, { contentType, baseUrl }).catch(() => null);
      if (agrees(withHeader ? flatOurs(withHeader) : null, checks)) headerOurs++;
      continue;
    }
    if (!checks) continue;
    eligible++;
    const outcome = outcomes.get(file);
    const flat = outcome?.kind === 'ok' ? flatOurs(outcome.feed) : null;
    if (agrees(flat, checks)) ours++;
    else if (misses.length < 400) {
      const c = checks[0] as Check;
      const scope = c.scope === 'feed' ? flat?.feed : flat?.entries[c.scope];
      misses.push(
        `  ${relative(feedsDir, file)}: want ${JSON.stringify(c.expected)} got ${JSON.stringify(scope?.[c.key] ?? (outcome?.kind === 'error' ? outcome.code : null))}`,
      );
    }
    if (agrees(await flatRssParser(bytes), checks)) baseline++;
  }
  console.log('\n(c) feedparser Expect: (title, link, id as plain text; files with Header: lines skipped)');
  console.log(`  ${eligible} comparable files (${withHeaders} skipped for Header:)`);
  console.log(
    `  agreement: ours ${ours}/${eligible} = ${pct(ours, eligible)}; plain rss-parser ${baseline}/${eligible} = ${pct(baseline, eligible)}`,
  );
  console.log(
    `  files with Header: lines, headers applied (Content-type, Content-Location): ${headerOurs}/${headerEligible} = ${pct(headerOurs, headerEligible)}`,
  );
  if (verbose) for (const m of misses) console.log(m);
}

// --- (d) gofeed expected JSON

function gofeedLink(node: Record<string, unknown>): string | null {
  if (typeof node.link === 'string') return node.link;
  return null;
}

async function gofeed(outcomes: Map<string, Outcome>, verbose: boolean): Promise<void> {
  const files = walk(join(feedsDir, 'gofeed')).filter((f) => f.endsWith('.xml'));
  const tally = { title: [0, 0], link: [0, 0] };
  // gofeed keeps every <link> in `links` and reports the LAST as `link`; feedparser (and we) take the
  // first. Count separately the misses where ours is one of gofeed's own `links`.
  let linkInLinks = 0;
  let filesCompared = 0;
  let filesAgree = 0;
  const misses: string[] = [];
  for (const file of files) {
    let expected: Record<string, unknown>;
    try {
      expected = JSON.parse(readFileSync(file.replace(/\.xml$/, '.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const outcome = outcomes.get(file);
    const ours = outcome?.kind === 'ok' ? outcome.feed : null;
    const expectedItems = (
      Array.isArray(expected.items) ? expected.items : Array.isArray(expected.entries) ? expected.entries : []
    ) as Array<Record<string, unknown>>;
    const pairs: Array<['title' | 'link', unknown, string, unknown]> = [];
    if (typeof expected.title === 'string') pairs.push(['title', ours?.feed.title, expected.title, null]);
    const feedLink = gofeedLink(expected);
    if (feedLink !== null) pairs.push(['link', ours?.feed.link, feedLink, expected.links]);
    expectedItems.forEach((item, i) => {
      if (typeof item.title === 'string') pairs.push(['title', ours?.items[i]?.title, item.title, null]);
      const link = gofeedLink(item);
      if (link !== null) pairs.push(['link', ours?.items[i]?.link, link, item.links]);
    });
    if (pairs.length === 0) continue;
    filesCompared++;
    let all = true;
    for (const [key, actual, want, alternatives] of pairs) {
      const ok = same(key, actual, want);
      if (
        !ok &&
        Array.isArray(alternatives) &&
        alternatives.some((alt) => typeof alt === 'string' && same(key, actual, alt))
      ) {
        linkInLinks++;
      }
      tally[key][1] = (tally[key][1] ?? 0) + 1;
      if (ok) tally[key][0] = (tally[key][0] ?? 0) + 1;
      else {
        all = false;
        if (misses.length < 200)
          misses.push(
            `  ${relative(feedsDir, file)} ${key}: want ${JSON.stringify(want)} got ${JSON.stringify(actual ?? (outcome?.kind === 'error' ? outcome.code : null))}`,
          );
      }
    }
    if (all) filesAgree++;
  }
  console.log('\n(d) gofeed expected JSON (titles and links of feed and items)');
  console.log(
    `  titles ${tally.title[0]}/${tally.title[1]} = ${pct(tally.title[0] ?? 0, tally.title[1] ?? 0)}; links ${tally.link[0]}/${tally.link[1]} = ${pct(tally.link[0] ?? 0, tally.link[1] ?? 0)}`,
  );
  console.log(
    `  links counting any of gofeed's own \`links\` (documents with several <link>): ${(tally.link[0] ?? 0) + linkInLinks}/${tally.link[1]} = ${pct((tally.link[0] ?? 0) + linkInLinks, tally.link[1] ?? 0)}`,
  );
  console.log(`  files fully agreeing ${filesAgree}/${filesCompared} = ${pct(filesAgree, filesCompared)}`);
  if (verbose) for (const m of misses) console.log(m);
}

// --- (e) sanitisation: nothing executable reaches the normalised text

function sanitisation(outcomes: Map<string, Outcome>): void {
  const unsafe = /<\s*script|javascript\s*:|\bon[a-z]+\s*=|<\s*iframe|<\s*[a-z]/i;
  let files = 0;
  const leaks: string[] = [];
  for (const [file, outcome] of outcomes) {
    if (!file.includes(`${join('feedparser', 'wellformed', 'sanitize')}`) || outcome.kind !== 'ok') continue;
    files++;
    const { feed, items } = outcome.feed;
    const texts = [feed.title, feed.description, ...items.flatMap((i) => [i.title, i.summary, i.author])];
    const bad = texts.find((t) => t !== null && unsafe.test(t));
    if (bad) leaks.push(`  ${relative(feedsDir, file)}: ${JSON.stringify(bad.slice(0, 120))}`);
  }
  console.log(
    '\n(e) sanitisation: feedparser wellformed/sanitize outputs with markup, script, on*= or javascript:',
  );
  console.log(`  ${leaks.length} of ${files} files`);
  for (const l of leaks.slice(0, 20)) console.log(l);
}

const verbose = args.flag('verbose');
console.log(`feed corpus evaluation over ${feedsDir}`);
const outcomes = await everyFile();
realFeeds(outcomes);
await feedparser(outcomes, verbose);
await gofeed(outcomes, verbose);
sanitisation(outcomes);
