/**
 * Benchmark of `radar classify`, whole process included (node start, loading and compiling the
 * measures, reading, classifying, writing), on two streams of 40,000 items:
 *   - news: the labelled dev set cycled (ids made unique): sanctions news, so about half the items
 *     match a default measure and carry evidence, the worst case for output and evaluation;
 *   - feeds: the items of the real feeds in ../shared/data/feeds/real, parsed by our feed parser and
 *     cycled: what the pipeline classifies in production, where few items match.
 * On each: a bare pass (read, parse, fold case, tokenize, write a line per item); the default
 * measures; 500 measures (the defaults plus 492 generated) of two kinds: "vocabulary" ones built
 * from random corpus words (they almost never match: the cost of a larger dictionary) and
 * "analyst" ones, each built from the words of one seed item like an analyst would (they match:
 * the cost of evaluating and writing many matching measures). The share of items with a match is
 * printed per row. Classify runs the shipped CLI bundle (`node bin/radar.mjs classify`, rebuilt
 * first with scripts/build-cli.mjs); the bare pass is bundled with esbuild the same way.
 *
 *   npx tsx scripts/bench-classify.ts [NEWS=../shared/data/news/dev.jsonl] [--feeds DIR]
 *     [--items N=40000] [--runs N=5] [--keep (keep the generated inputs and measure files)]
 *
 * Runs are interleaved (bare, default, 500, bare, …) so load from other processes hits all three
 * alike; each figure is the median. The load average is printed: figures under load are not comparable.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadMeasuresFile } from '../shared/config/load-files.js';
import { compileMeasures, foldText } from '../shared/domain/classifier/index.js';
import { scriptArgs } from './args.js';
import { readFeedItems } from './feed-items.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = scriptArgs(
  'bench-classify',
  'usage: npx tsx scripts/bench-classify.ts [NEWS=../shared/data/news/dev.jsonl] [--feeds DIR] [--items N=40000] [--runs N=5] [--keep]',
  {
    items: { type: 'string' },
    runs: { type: 'string' },
    feeds: { type: 'string' },
    keep: { type: 'boolean' },
  },
  1,
);
const itemCount = args.int('items', 40_000);
const runs = args.int('runs', 5, 1, 100);
const newsFile = resolve(process.cwd(), args.positionals[0] ?? '../shared/data/news/dev.jsonl');
const feedsDir = resolve(process.cwd(), args.str('feeds') ?? '../shared/data/feeds/real');
for (const [what, path, wantDir] of [
  ['news file', newsFile, false],
  ['--feeds directory', feedsDir, true],
] as const) {
  const problem = !existsSync(path)
    ? 'not found'
    : statSync(path).isDirectory() !== wantDir
      ? wantDir
        ? 'is not a directory'
        : 'is a directory (give the JSON Lines file, e.g. ../shared/data/news/dev.jsonl)'
      : null;
  if (problem !== null) {
    process.stderr.write(`bench-classify: ${what} ${path} ${problem}\n`);
    process.exit(2);
  }
}
const work = mkdtempSync(join(tmpdir(), 'radar-bench-'));

interface Item {
  id: string;
  title: string | null;
  summary: string | null;
}

const newsItems: Item[] = readFileSync(newsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Item);
const feedItems: Item[] = await readFeedItems(feedsDir);
if (feedItems.length === 0) throw new Error(`${feedsDir}: no feed items found`);

/** The items cycled to itemCount lines (ids made unique), written as JSON Lines. */
function writeStream(name: string, items: Item[]): string {
  const lines: string[] = [];
  for (let i = 0; i < itemCount; i++) {
    const s = items[i % items.length] as Item;
    lines.push(JSON.stringify({ id: `${s.id}-${i}`, title: s.title, summary: s.summary }));
  }
  const file = join(work, `${name}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const streams = { news: writeStream('news', newsItems), feeds: writeStream('feeds', feedItems) };

// 500 measures: the defaults plus generated ones (seeded PRNG, so every run benches the same files).
const defaultsFile = join(root, 'config/measures.yaml');
const defaults = await loadMeasuresFile(defaultsFile);
let seed = 42;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const wordsOf = (it: Item) => foldText(`${it.title ?? ''} ${it.summary ?? ''}`).split(' ');
const vocab = [...new Set(newsItems.flatMap(wordsOf))].filter((w) => w.length >= 4 && /^[a-z]+$/.test(w));
const pickFrom = (list: string[]) => list[Math.floor(rand() * list.length)] as string;
const measureYaml = (id: string, query: string, requires: string | null) =>
  `  - id: ${id}\n    name: generated ${id}\n    severity: low\n    query: '${query}'\n` +
  (requires === null ? '' : `    requires: '${requires}'\n`);
const withDefaults = (generated: string[]) => `${readFileSync(defaultsFile, 'utf8')}${generated.join('')}`;

// Vocabulary measures: random words, so they almost never match (a larger dictionary only).
const vocabTerm = () => {
  const r = rand();
  return r < 0.25
    ? `${pickFrom(vocab).slice(0, 5)}*`
    : r < 0.45
      ? `"${pickFrom(vocab)} ${pickFrom(vocab)}"`
      : pickFrom(vocab);
};
const vocabMeasures: string[] = [];
for (let i = 0; vocabMeasures.length < 500 - defaults.length; i++) {
  const q = `(${vocabTerm()} OR ${vocabTerm()} OR ${vocabTerm()}) AND (${vocabTerm()} NEAR/6 ${vocabTerm()}) NOT ${vocabTerm()}`;
  vocabMeasures.push(measureYaml(`vocab-${i}`, q, `${vocabTerm()} OR ${vocabTerm()}`));
}
// Analyst measures: the content words of one seed item (news or feed, alternately), combined as an
// analyst would (a subject NEAR an action, alternatives, a prefix, sometimes a phrase or a NOT).
const STOP = new Set(
  'that this with from have will been were their which about after would said says into more than also over they there what when where while'.split(
    ' ',
  ),
);
const analystMeasures: string[] = [];
for (let i = 0; analystMeasures.length < 500 - defaults.length; i++) {
  const seedItem = (i % 2 === 0
    ? pickFrom(newsItems as never)
    : pickFrom(feedItems as never)) as unknown as Item;
  const words = wordsOf(seedItem).filter((w) => w.length >= 5 && /^\p{L}+$/u.test(w) && !STOP.has(w));
  if (words.length < 4) continue;
  const w = () => pickFrom(words);
  const j = Math.floor(rand() * (words.length - 1));
  const left = rand() < 0.3 ? `"${words[j]} ${words[j + 1]}"` : `(${w()} OR ${w().slice(0, 5)}*)`;
  const q = `${left} NEAR/10 (${w()} OR ${w()})${rand() < 0.3 ? ` NOT ${pickFrom(vocab)}` : ''}`;
  analystMeasures.push(measureYaml(`analyst-${i}`, q, rand() < 0.5 ? `${w()} OR ${w()} OR ${w()}` : null));
}
const vocabFile = join(work, 'measures-500-vocabulary.yaml');
writeFileSync(vocabFile, withDefaults(vocabMeasures));
const analystFile = join(work, 'measures-500-analyst.yaml');
writeFileSync(analystFile, withDefaults(analystMeasures));

// The CLI bundle as users run it (code-split: `classify` loads only its own chunks).
const rebuilt = spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: 'inherit' });
if (rebuilt.status !== 0) throw new Error('scripts/build-cli.mjs failed');
const cli = join(root, 'bin/radar.mjs');
const bareEntry = join(work, 'bare-entry.ts');
writeFileSync(
  bareEntry,
  `import { StringDecoder } from 'node:string_decoder';
import { forEachToken } from ${JSON.stringify(join(root, 'shared/domain/classifier/normalise.ts'))};
const decoder = new StringDecoder('utf8');
let rest = '';
let out: string[] = [];
let size = 0;
let tokens = 0;
const count = () => { tokens++; };
const flush = async () => {
  if (out.length === 0) return;
  const ok = process.stdout.write(out.join('\\n') + '\\n');
  out = []; size = 0;
  if (!ok) await new Promise((r) => process.stdout.once('drain', r));
};
const handle = async (line: string) => {
  if (line.trim() === '') return;
  const item = JSON.parse(line);
  tokens = 0;
  forEachToken(typeof item.title === 'string' ? item.title : '', count);
  forEachToken(typeof item.summary === 'string' ? item.summary : '', count);
  const s = JSON.stringify({ id: item.id, tokens });
  out.push(s); size += s.length;
  if (size > 65536) await flush();
};
for await (const chunk of process.stdin) {
  const text = rest + decoder.write(chunk);
  let start = 0, nl;
  while ((nl = text.indexOf('\\n', start)) !== -1) { await handle(text.slice(start, nl)); start = nl + 1; }
  rest = text.slice(start);
}
await handle(rest + decoder.end());
await flush();
`,
);
await build({
  entryPoints: [bareEntry],
  outfile: join(work, 'bare.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

/** Wall time (ms) of `node script args < input` (stdin is the file, as in a shell); output to `out`. */
function once(
  script: string,
  args: string[],
  input: string,
  out: string | null,
  env: Record<string, string> = {},
): number {
  const t0 = performance.now();
  const fd = openSync(input, 'r');
  const outFd = out === null ? 'ignore' : openSync(out, 'w');
  const res = spawnSync(process.execPath, [script, ...args], {
    stdio: [fd, outFd, 'inherit'],
    cwd: root,
    env: { ...process.env, ...env },
  });
  closeSync(fd);
  if (typeof outFd === 'number') closeSync(outFd);
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${script} exited with ${res.status}`);
  return ms;
}

interface Command {
  label: string;
  script: string;
  args: string[];
  input: string;
  env?: Record<string, string>;
}

/** Median wall time of each command, runs interleaved so background load hits them alike. */
function medians(commands: Command[]): Array<{ ms: number; matched: number | null }> {
  // One untimed run each first (warm file cache), its output kept to count the items that matched.
  const matched = commands.map((c, i) => {
    const out = join(work, `out-${i}.jsonl`);
    once(c.script, c.args, c.input, out, c.env);
    if (c.script !== cli) return null;
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    rmSync(out);
    return lines.filter((l) => !l.endsWith('"measures":[]}')).length / lines.length;
  });
  const times: number[][] = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    commands.forEach((c, i) => {
      times[i]?.push(once(c.script, c.args, c.input, null, c.env));
    });
  }
  return times.map((t, i) => ({
    ms: t.sort((a, b) => a - b)[Math.floor(t.length / 2)] as number,
    matched: matched[i] ?? null,
  }));
}

const bare = join(work, 'bare.mjs');
// The CLI's compiled-measures cache in a directory of the bench's own: the untimed first run of
// each command fills it, as any earlier run would; one row runs with the cache off.
const cached = { RADAR_CACHE_DIR: join(work, 'cache') };
const commandsFor = (input: string): Command[] => [
  { label: 'bare pass (read, parse, fold, tokenize, write)', script: bare, args: [], input },
  { label: 'default', script: cli, args: ['classify', '--measures', defaultsFile], input, env: cached },
  { label: 'vocabulary', script: cli, args: ['classify', '--measures', vocabFile], input, env: cached },
  { label: 'analyst', script: cli, args: ['classify', '--measures', analystFile], input, env: cached },
  {
    label: 'default, no cache',
    script: cli,
    args: ['classify', '--measures', defaultsFile],
    input,
    env: { RADAR_CACHE_DIR: 'off' },
  },
];
const load0 = loadavg();
const results = {
  news: medians(commandsFor(streams.news)),
  feeds: medians(commandsFor(streams.feeds)),
};
const load1 = loadavg();

// In-process classify only (no process start, no I/O), for reference.
const inProcess = (items: Item[]) => {
  const c = compileMeasures(defaults);
  const texts = Array.from({ length: itemCount }, (_, i) => items[i % items.length] as Item);
  for (let i = 0; i < 2000; i++) c.classify(texts[i % texts.length] as Item);
  const t0 = performance.now();
  for (const it of texts) c.classify(it);
  return performance.now() - t0;
};

const rate = (ms: number) => Math.round((itemCount / ms) * 1000).toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)} % matched`);
console.log(
  `items: ${itemCount} per stream, median of ${runs} runs, whole process (node start included); ` +
    `load average ${load0.map((l) => l.toFixed(2)).join(' ')} → ${load1.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`,
);
for (const [name, source, rows] of [
  ['news', `${newsFile}, ${newsItems.length} items cycled`, results.news],
  ['feeds', `${feedsDir}, ${feedItems.length} items cycled`, results.feeds],
] as const) {
  console.log(`\n${name} stream (${source}):`);
  const [bareRow, def, vocabRow, analyst, uncached] = rows as [
    { ms: number },
    { ms: number; matched: number | null },
    { ms: number; matched: number | null },
    { ms: number; matched: number | null },
    { ms: number },
  ];
  const row = (label: string, ms: number, note: string) =>
    console.log(
      `  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${rate(ms).padStart(8)} items/s  ${note}`,
    );
  row('bare pass (read, parse, fold, tokenize, write)', bareRow.ms, '');
  row(
    `classify, ${defaults.length} default measures`,
    def.ms,
    `= ${(def.ms / bareRow.ms).toFixed(2)} × bare (target ≤ 1.5; ≥ 50,000 items/s), ${pct(def.matched)}`,
  );
  row(
    'classify, 500 measures (vocabulary)',
    vocabRow.ms,
    `= ${(vocabRow.ms / def.ms).toFixed(2)} × default (target ≤ 1.3), ${pct(vocabRow.matched)}`,
  );
  row(
    'classify, 500 measures (analyst)',
    analyst.ms,
    `= ${(analyst.ms / def.ms).toFixed(2)} × default (target ≤ 1.3), ${pct(analyst.matched)}`,
  );
  row(
    'classify, default measures, compile cache off',
    uncached.ms,
    `= ${(uncached.ms / bareRow.ms).toFixed(2)} × bare`,
  );
  const core = inProcess(name === 'news' ? newsItems : feedItems);
  console.log(`  in-process classify only, default measures: ${core.toFixed(0)} ms  ${rate(core)} items/s`);
}
if (args.flag('keep')) console.log(`\ninputs and measure files kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
