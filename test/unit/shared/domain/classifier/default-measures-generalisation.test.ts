import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../../../shared/config/load-files.js';
import { type Classifier, compileMeasures } from '../../../../../shared/domain/classifier/index.js';
import type { Stage } from '../../../../../shared/domain/types.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
let classifier: Classifier;
beforeAll(async () => {
  classifier = compileMeasures(await loadMeasuresFile(`${root}config/measures.yaml`));
});

interface Case {
  id: string;
  title: string;
  summary: string | null;
  labels: string[];
  stage?: Stage | null;
}
const load = (name: string): Case[] =>
  readFileSync(`${root}test/fixtures/classifier/${name}`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Case);

describe('the same developments in German, French, Polish, Russian and Ukrainian', () => {
  const cases = load('multilingual.jsonl');
  it.each(cases.filter((c) => c.labels.length > 0).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const matches = classifier.classify({ title: c.title, summary: c.summary });
    expect(matches.map((m) => m.measureId)).toEqual(expect.arrayContaining(c.labels));
    if (c.stage) expect(matches.find((m) => m.measureId === c.labels[0])?.stage).toBe(c.stage);
  });
  it.each(cases.filter((c) => c.labels.length === 0).map((c) => [c.id, c] as const))(
    '%s is no match',
    (_id, c) => {
      expect(classifier.classify({ title: c.title, summary: c.summary })).toEqual([]);
    },
  );
});

describe('official-source items (GOV.UK OFSI feed)', () => {
  it.each(load('ofsi.jsonl').map((c) => [c.id, c.title, c] as const))('%s %s', (_id, _title, c) => {
    const matches = classifier.classify({ title: c.title, summary: c.summary });
    expect(matches.map((m) => m.measureId).sort()).toEqual([...c.labels].sort());
    for (const m of matches) expect(m.stage).toBe('eased');
  });
});

describe('negation, background and the seed article', () => {
  const ids = (title: string, summary: string | null = null) =>
    classifier.classify({ title, summary }).map((m) => m.measureId);
  it('a stated absence of plans is not a development', () => {
    expect(ids('The EU has no plans to ban Russian LNG imports, officials said')).toEqual([]);
    expect(ids('Warsaw does not plan to impose new sanctions on Russian coal')).toEqual([]);
  });
  it('background mentions stay negative', () => {
    expect(ids('Since the 2022 sanctions, Russian oil exports have shifted to Asia')).toEqual([]);
    expect(ids('Russian oil output recovers despite Western sanctions imposed in 2022')).toEqual([]);
  });
  it('matches more than one measure on the seed article’s opening alone', () => {
    const text = readFileSync(`${root}test/fixtures/news/seed-article.txt`, 'utf8');
    const matches = classifier.classify({
      title: 'US and EU officials meet to coordinate new sanctions against Russia',
      summary: text.slice(0, 600),
    });
    expect(matches.length).toBeGreaterThan(1);
    expect(matches.map((m) => m.measureId)).toContain('eu-package');
    // "met … to advance discussions": talks, not an adopted measure.
    for (const m of matches) expect(m.stage).toBe('negotiated');
  });
});
