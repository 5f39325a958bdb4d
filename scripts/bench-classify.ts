/**
 * Benchmark of `radar classify`, whole process included (node start, loading and compiling the
 * measures, reading, classifying, writing):
 *   - 40,000 items with the default measures;
 *   - the same with 500 measures (the defaults plus 492 generated ones);
 *   - a bare pass over the same JSON Lines (read, parse, fold case, tokenize, write a line per item).
 * Items are the dev set cycled (ids made unique). Classify runs the shipped CLI bundle
 * (`node bin/radar.mjs classify`, rebuilt first with scripts/build-cli.mjs); the bare pass is
 * bundled with esbuild the same way.
 *
 *   npx tsx scripts/bench-classify.ts [DATASET=../shared/data/news/dev.jsonl] [--items N] [--runs N=5]
 *
 * Runs are interleaved (bare, default, 500, bare, …) so load from other processes hits all three
 * alike; each figure is the median. The load average is printed: figures under load are not comparable.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { loadMeasuresFile } from '../shared/config/load-files.js';
import { compileMeasures, foldText } from '../shared/domain/classifier/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { items: { type: 'string' }, runs: { type: 'string' } },
  allowPositionals: true,
});
const itemCount = Number(values.items ?? 40_000);
const runs = Math.max(1, Number(values.runs ?? 5));
const dataset = resolve(process.cwd(), positionals[0] ?? '../shared/data/news/dev.jsonl');
const work = mkdtempSync(join(tmpdir(), 'radar-bench-'));

// Input: the dataset cycled to itemCount lines.
const source = readFileSync(dataset, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; title: string; summary: string });
const lines: string[] = [];
for (let i = 0; i < itemCount; i++) {
  const s = source[i % source.length] as (typeof source)[number];
  lines.push(JSON.stringify({ id: `${s.id}-${i}`, title: s.title, summary: s.summary }));
}
const input = join(work, 'items.jsonl');
writeFileSync(input, `${lines.join('\n')}\n`);

// 500 measures: the defaults plus generated ones drawn from the corpus vocabulary (seeded PRNG).
const defaultsFile = join(root, 'config/measures.yaml');
const defaults = await loadMeasuresFile(defaultsFile);
let seed = 42;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const vocab = [...new Set(source.flatMap((s) => foldText(`${s.title} ${s.summary}`).split(' ')))].filter(
  (w) => w.length >= 4 && /^[a-z]+$/.test(w),
);
const pick = () => vocab[Math.floor(rand() * vocab.length)] as string;
const term = () =>
  rand() < 0.25 ? `${pick().slice(0, 5)}*` : rand() < 0.2 ? `"${pick()} ${pick()}"` : pick();
const generated: string[] = [];
for (let i = 0; generated.length < 500 - defaults.length; i++) {
  const q = `(${term()} OR ${term()} OR ${term()}) AND (${term()} NEAR/6 ${term()}) NOT ${term()}`;
  generated.push(
    `  - id: gen-${i}\n    name: generated ${i}\n    severity: low\n    query: '${q}'\n    requires: '${term()} OR ${term()}'\n`,
  );
}
const manyFile = join(work, 'measures-500.yaml');
writeFileSync(manyFile, `${readFileSync(defaultsFile, 'utf8')}${generated.join('')}`);

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

/** Wall time (ms) of `node script args < input` (stdin is the file, as in a shell), output discarded. */
function once(script: string, args: string[]): number {
  const t0 = performance.now();
  const fd = openSync(input, 'r');
  const res = spawnSync(process.execPath, [script, ...args], { stdio: [fd, 'ignore', 'inherit'], cwd: root });
  closeSync(fd);
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${script} exited with ${res.status}`);
  return ms;
}

/** Median wall time of each command, runs interleaved so background load hits them alike. */
function medians(commands: Array<[string, string[]]>): number[] {
  // One untimed run each first, so every command is measured with a warm file cache.
  for (const [script, args] of commands) once(script, args);
  const times: number[][] = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    commands.forEach(([script, args], i) => {
      times[i]?.push(once(script, args));
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)] as number);
}

const load0 = loadavg();
const [bare, def, many] = medians([
  [join(work, 'bare.mjs'), []],
  [cli, ['classify', '--measures', defaultsFile]],
  [cli, ['classify', '--measures', manyFile]],
]) as [number, number, number];
const load1 = loadavg();

// In-process classify only (no process start, no I/O), for reference.
const items = lines.map((l) => JSON.parse(l) as { title: string; summary: string });
const inProcess = (file: string) => {
  const c = compileMeasures(file === defaultsFile ? defaults : []);
  for (let i = 0; i < 2000; i++) c.classify(items[i % items.length] as { title: string; summary: string });
  const t0 = performance.now();
  for (const it of items) c.classify(it);
  return performance.now() - t0;
};
const coreMs = inProcess(defaultsFile);

const rate = (ms: number) => Math.round((itemCount / ms) * 1000).toLocaleString('en-US');
const row = (label: string, ms: number, note: string) =>
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${rate(ms).padStart(8)} items/s  ${note}`,
  );
console.log(
  `items: ${itemCount} (from ${dataset}), median of ${runs} runs, whole process (node start included); ` +
    `load average ${load0.map((l) => l.toFixed(2)).join(' ')} → ${load1.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`,
);
row('bare pass (read, parse, fold, tokenize, write)', bare, '');
row(
  `classify, ${defaults.length} default measures`,
  def,
  `= ${(def / bare).toFixed(2)} × bare (target ≤ 1.5; ≥ 50,000 items/s)`,
);
row(
  'classify, 500 measures',
  many,
  `= ${(many / def).toFixed(2)} × default (target ≤ 1.3), ${(many / bare).toFixed(2)} × bare`,
);
console.log(`in-process classify only, default measures: ${coreMs.toFixed(0)} ms  ${rate(coreMs)} items/s`);
rmSync(work, { recursive: true, force: true });
