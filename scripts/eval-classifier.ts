/**
 * Evaluates the default measures on a labelled JSON Lines set (default ../shared/data/news/dev.jsonl):
 * precision / recall / F1 per measure, micro and macro F1, false alarms on unlabelled items, next to
 * a plain keyword baseline. Runs items through the same stream code as `radar classify`.
 *
 *   npx tsx scripts/eval-classifier.ts [DATASET] [--measures FILE] [--errors] [--predictions FILE]
 *
 * With --predictions, a JSON Lines file of {id, labels} (another labeller's, or another tool's) is
 * scored in place of the classifier, on the dataset items it labels (each of its ids must be one of
 * the dataset's): how far two labellers agree bounds what a classifier can show.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { classifyStream, loadClassifier } from '../cli/commands/classify.js';
import { foldText, stem } from '../shared/domain/classifier/index.js';
import type { Measure } from '../shared/domain/types.js';
import { scriptArgs } from './args.js';
import { readLabelled } from './labelled.js';

interface Item {
  id: string;
  title: string;
  summary: string;
  labels: string[];
}

interface Scores {
  tp: number;
  fp: number;
  fn: number;
}

const args = scriptArgs(
  'eval-classifier',
  'usage: npx tsx scripts/eval-classifier.ts [DATASET=../shared/data/news/dev.jsonl] [--measures FILE] [--errors] [--predictions FILE]',
  { measures: { type: 'string' }, errors: { type: 'boolean' }, predictions: { type: 'string' } },
  1,
);
const cwd = process.cwd();
const dataset = resolve(cwd, args.positionals[0] ?? '../shared/data/news/dev.jsonl');
const items: Item[] = (() => {
  try {
    return readLabelled(dataset).map((it) => ({ ...it, title: it.title ?? '', summary: it.summary ?? '' }));
  } catch (error) {
    process.stderr.write(`eval-classifier: ${(error as Error).message}\n`);
    process.exit(2);
  }
})();

const classifier = await loadClassifier(args.str('measures'), cwd);
const measureIds = classifier.measures.map((m) => m.id);

/** Labels per item id from the classifier (through the CLI stream code) or from a predictions file. */
async function predict(): Promise<Map<string, string[]>> {
  const predicted = new Map<string, string[]>();
  const predictions = args.str('predictions');
  if (predictions !== undefined) {
    const file = resolve(cwd, predictions);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const r = JSON.parse(line) as { id?: unknown; labels?: unknown };
        if (typeof r.id !== 'string' || !Array.isArray(r.labels))
          throw new Error(`${file} line ${i + 1}: expected {"id": string, "labels": [measure ids]}`);
        predicted.set(r.id, r.labels as string[]);
      });
    const known = new Set(items.map((i) => i.id));
    const unknown = [...predicted.keys()].filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new Error(`${file}: ${unknown.length} id(s) not in ${dataset}, e.g. ${unknown[0]}`);
    // Only the items it labels are scored.
    const kept = items.filter((i) => predicted.has(i.id));
    items.length = 0;
    items.push(...kept);
    return predicted;
  }
  // Run through the CLI stream code so the evaluation covers JSON handling too.
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await classifyStream(classifier, {
    stdin: Readable.from([
      items.map((i) => JSON.stringify({ id: i.id, title: i.title, summary: i.summary })).join('\n'),
    ]),
    stdout: out,
    stderr: process.stderr,
    cwd,
    env: {},
  });
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as { id: string; measures?: Array<{ id: string }>; error?: string };
    if (r.error) throw new Error(`classify failed on ${r.id}: ${r.error}`);
    predicted.set(
      r.id,
      (r.measures ?? []).map((m) => m.id),
    );
  }
  return predicted;
}
const predicted = await predict();

/** Baseline: a sanctions word plus any content word of the measure's name. */
const NAME_STOPWORDS = new Set([
  'sanction',
  'russia',
  'russian',
  'on',
  'and',
  'for',
  'with',
  'against',
  'the',
  'measure',
]);
function nameKeywords(m: Measure): Set<string> {
  return new Set(
    foldText(m.name)
      .split(' ')
      .map(stem)
      .filter((w) => w.length > 1 && !NAME_STOPWORDS.has(w)),
  );
}
const keywords = new Map(classifier.measures.map((m) => [m.id, nameKeywords(m)]));
function baseline(item: Item): string[] {
  const words = foldText(`${item.title} ${item.summary}`).split(' ');
  const stems = new Set(words.map(stem));
  if (!words.some((w) => w.startsWith('sanction') || w.startsWith('sankcj') || w.startsWith('embargo')))
    return [];
  return measureIds.filter((id) => [...(keywords.get(id) ?? [])].some((k) => stems.has(k)));
}

function score(pred: (item: Item) => string[]) {
  const per = new Map<string, Scores>(measureIds.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
  let unlabelled = 0;
  let alarms = 0;
  for (const item of items) {
    const p = new Set(pred(item));
    const g = new Set(item.labels);
    if (g.size === 0) {
      unlabelled++;
      if (p.size > 0) alarms++;
    }
    for (const id of measureIds) {
      const s = per.get(id) as Scores;
      if (p.has(id) && g.has(id)) s.tp++;
      else if (p.has(id)) s.fp++;
      else if (g.has(id)) s.fn++;
    }
  }
  return { per, falseAlarmRate: unlabelled ? alarms / unlabelled : 0, alarms, unlabelled };
}

const f1 = (s: Scores) => (s.tp === 0 ? 0 : (2 * s.tp) / (2 * s.tp + s.fp + s.fn));
const prec = (s: Scores) => (s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp));
const rec = (s: Scores) => (s.tp + s.fn === 0 ? 0 : s.tp / (s.tp + s.fn));
const fmt = (x: number) => x.toFixed(3);

const ours = score((i) => predicted.get(i.id) ?? []);
const base = score(baseline);

function summary(r: ReturnType<typeof score>) {
  const all = [...r.per.values()].reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  const macro = [...r.per.values()].reduce((a, s) => a + f1(s), 0) / r.per.size;
  return { micro: f1(all), macro, microP: prec(all), microR: rec(all) };
}

const so = summary(ours);
const sb = summary(base);
const lines: string[] = [];
lines.push(
  `dataset: ${dataset} (${items.length} items, ${args.str('predictions') === undefined ? `rules ${classifier.rulesVersion}` : `labels of ${args.str('predictions')}`})`,
);
lines.push('');
lines.push(
  `${'measure'.padEnd(14)} ${'n'.padStart(4)}  ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   | baseline F1`,
);
for (const id of measureIds) {
  const s = ours.per.get(id) as Scores;
  const b = base.per.get(id) as Scores;
  lines.push(
    `${id.padEnd(14)} ${String(s.tp + s.fn).padStart(4)}  ${fmt(prec(s)).padStart(6)} ${fmt(rec(s)).padStart(6)} ${fmt(f1(s)).padStart(6)}   | ${fmt(f1(b))}`,
  );
}
lines.push('');
lines.push(
  `micro P/R/F1   ${fmt(so.microP)} / ${fmt(so.microR)} / ${fmt(so.micro)}   | baseline ${fmt(sb.micro)}`,
);
lines.push(`macro F1       ${fmt(so.macro)}   | baseline ${fmt(sb.macro)}`);
lines.push(
  `false alarms on unlabelled: ${ours.alarms}/${ours.unlabelled} = ${(100 * ours.falseAlarmRate).toFixed(1)} %   | baseline ${(100 * base.falseAlarmRate).toFixed(1)} %`,
);
console.log(lines.join('\n'));

if (args.flag('errors')) {
  console.log('\nerrors (gold → predicted):');
  for (const item of items) {
    const p = (predicted.get(item.id) ?? []).slice().sort();
    const g = item.labels.slice().sort();
    if (p.join() !== g.join()) {
      console.log(`${item.id} [${g.join(',')}] → [${p.join(',')}]  ${item.title}`);
    }
  }
}
