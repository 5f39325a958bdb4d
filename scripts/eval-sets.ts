/**
 * One table for every stored labelled set: micro precision / recall / F1 and false alarms per file,
 * with totals per folder. The sets are the labelled dev set (when ../shared/data is beside the
 * repository), the held-out fixture and the blind written sets under eval/written-*; the real-item
 * sets under eval/real-* hold labels without text (see their READMEs) and are left out.
 *
 *   npx tsx scripts/eval-sets.ts [FILE...] [--measures FILE]
 *
 * Use it to check that a change to the measures helps where it should and costs nothing elsewhere;
 * `npm run eval` gives the per-measure detail and the errors of one set.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClassifier } from '../cli/commands/classify.js';
import { scriptArgs } from './args.js';
import { type LabelledItem, readLabelled } from './labelled.js';

export interface SetScore {
  items: number;
  tp: number;
  fp: number;
  fn: number;
  /** Items with no label, and those of them given any measure. */
  unlabelled: number;
  alarms: number;
}

/** Counts over one set: `predict` gives the measure ids for an item. */
export function scoreSet(
  items: readonly LabelledItem[],
  predict: (item: LabelledItem) => readonly string[],
): SetScore {
  const s: SetScore = { items: items.length, tp: 0, fp: 0, fn: 0, unlabelled: 0, alarms: 0 };
  for (const item of items) {
    const got = new Set(predict(item));
    const gold = new Set(item.labels);
    for (const id of got) gold.has(id) ? s.tp++ : s.fp++;
    for (const id of gold) if (!got.has(id)) s.fn++;
    if (gold.size === 0) {
      s.unlabelled++;
      if (got.size > 0) s.alarms++;
    }
  }
  return s;
}

/** The sum of several scores. */
export function addScores(list: readonly SetScore[]): SetScore {
  const total: SetScore = { items: 0, tp: 0, fp: 0, fn: 0, unlabelled: 0, alarms: 0 };
  for (const s of list) for (const k of Object.keys(total) as Array<keyof SetScore>) total[k] += s[k];
  return total;
}

/** "P / R / F1  alarms/unlabelled = rate" for a score. */
export function formatScore(s: SetScore): string {
  const p = s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp);
  const r = s.tp + s.fn === 0 ? 0 : s.tp / (s.tp + s.fn);
  const f = s.tp === 0 ? 0 : (2 * s.tp) / (2 * s.tp + s.fp + s.fn);
  const rate = s.unlabelled === 0 ? 0 : (100 * s.alarms) / s.unlabelled;
  return `${p.toFixed(3)} / ${r.toFixed(3)} / ${f.toFixed(3)}   ${s.alarms}/${s.unlabelled} = ${rate.toFixed(1)} %`;
}

/** en.jsonl, en-2.jsonl, …, en-10.jsonl: numbers compared as numbers. */
const naturalOrder = (a: string, b: string) =>
  a.replace(/\.jsonl$/, '').localeCompare(b.replace(/\.jsonl$/, ''), 'en', { numeric: true });

async function main(): Promise<void> {
  const args = scriptArgs(
    'eval-sets',
    'usage: npx tsx scripts/eval-sets.ts [FILE...] [--measures FILE]',
    { measures: { type: 'string' } },
    1000,
  );
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cwd = process.cwd();
  const files = args.positionals.map((f) => resolve(cwd, f));
  if (files.length === 0) {
    const dev = resolve(root, '../shared/data/news/dev.jsonl');
    if (existsSync(dev)) files.push(dev);
    files.push(join(root, 'test/fixtures/classifier/heldout.jsonl'));
    for (const dir of ['eval/written-en-pl', 'eval/written-multilingual'])
      for (const f of readdirSync(join(root, dir))
        .filter((n) => n.endsWith('.jsonl'))
        .sort(naturalOrder))
        files.push(join(root, dir, f));
  }
  for (const f of files) {
    const problem = !existsSync(f)
      ? 'not found'
      : statSync(f).isDirectory()
        ? 'is a directory, not a JSON Lines file'
        : null;
    if (problem !== null) {
      process.stderr.write(`eval-sets: ${f} ${problem}\n`);
      process.exit(2);
    }
  }
  const classifier = await loadClassifier(args.str('measures'), cwd);
  const groups = new Map<string, SetScore[]>();
  const width = Math.max(...files.map((f) => basename(f).length));
  console.log(`rules ${classifier.rulesVersion}; micro P / R / F1, false alarms on unlabelled items\n`);
  for (const file of files) {
    const items = readLabelled(file);
    const score = scoreSet(items, (it) =>
      classifier.classify({ title: it.title ?? '', summary: it.summary }).map((m) => m.measureId),
    );
    const group = relative(root, dirname(file)) || '.';
    groups.set(group, [...(groups.get(group) ?? []), score]);
    console.log(
      `${basename(file).padEnd(width)}  ${String(items.length).padStart(4)} items   ${formatScore(score)}`,
    );
  }
  console.log('');
  for (const [group, scores] of groups) {
    const total = addScores(scores);
    console.log(
      `${group} (${scores.length} file${scores.length === 1 ? '' : 's'}, ${total.items} items): ${formatScore(total)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
