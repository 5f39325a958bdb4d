import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../../../shared/config/load-files.js';
import { compileSet } from '../../../../../shared/domain/classifier/compile.js';
import { CompiledClassifier } from '../../../../../shared/domain/classifier/index.js';
import {
  CompiledSetFormatError,
  deserializeSet,
  serializeSet,
} from '../../../../../shared/domain/classifier/serialize.js';
import type { Measure } from '../../../../../shared/domain/types.js';
import { measure } from '../../../../support/measure.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const texts: Array<{ title: string; summary: string | null }> = [
  'test/fixtures/news/items.jsonl',
  'test/fixtures/classifier/background.jsonl',
  'test/fixtures/classifier/multilingual.jsonl',
  'test/fixtures/classifier/ofsi.jsonl',
].flatMap((file) =>
  readFileSync(`${root}${file}`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { title: string; summary: string | null }),
);

/** Every operator, scopes, shared groups and a NOT-only measure. */
const operators: Measure[] = [
  measure('near', '(oil OR gas*) NEAR/5 (sanction* OR "price cap")', { requires: 'russia* OR kremlin' }),
  measure('scoped', 'title:(tariff*) summary:(india OR china)', { excludes: 'iran*' }),
  measure('phrase', '"shadow fleet" OR "frozen assets" OR "the west"'),
  measure('not-only', 'NOT (football OR tennis)'),
  measure('cyrillic', 'санкц* AND (нефт* OR газ)'),
  measure('compounds', '(*verbot* OR *liste OR *санкц*) AND (*sanktion* OR *land OR russia*)'),
];

describe('compiled set serialization', () => {
  let defaults: Measure[];
  beforeAll(async () => {
    defaults = await loadMeasuresFile(`${root}config/measures.yaml`);
  });

  it.each([
    ['default measures', () => defaults],
    ['measures using every operator', () => operators],
  ])('round-trips %s: same matches, evidence, stages, explanations and rules version', (_name, get) => {
    const measures = get();
    const original = new CompiledClassifier(compileSet(measures));
    const restored = new CompiledClassifier(deserializeSet(serializeSet(compileSet(measures)), measures));
    let matched = 0;
    for (const text of texts) {
      const a = original.classify(text);
      matched += a.length;
      expect(restored.classify(text)).toEqual(a);
      expect(restored.explain(text)).toEqual(original.explain(text));
    }
    expect(matched).toBeGreaterThan(0);
    expect(restored.rulesVersion).toBe(original.rulesVersion);
  });

  it('reads bytes held in a Buffer view at an odd offset (as a file read returns them)', () => {
    const bytes = serializeSet(compileSet(operators));
    const padded = Buffer.alloc(bytes.length + 3);
    padded.set(bytes, 3);
    const restored = new CompiledClassifier(deserializeSet(padded.subarray(3), operators));
    expect(
      restored.classify({ title: 'Russia oil sanctions tightened', summary: null }).map((m) => m.measureId),
    ).toEqual(['near', 'not-only']);
  });

  it('restores the word maps, the list tables and the inner/tail matcher exactly', () => {
    const set = compileSet(operators);
    const restored = deserializeSet(serializeSet(set), operators);
    for (const name of ['stemAtoms', 'exactAtoms', 'prefixAtoms', 'innerAtoms', 'tailAtoms'] as const) {
      expect(restored[name]).toEqual(set[name]);
    }
    for (const name of ['atomMeasures', 'atomPhrases', 'atomLongAnys'] as const) {
      expect(restored[name]).toEqual(set[name]);
    }
    expect(restored.trie.tokenAtoms).toEqual(set.trie.tokenAtoms);
    expect(restored.trie.tokenTracked).toEqual(set.trie.tokenTracked);
    expect(set.infix).not.toBeNull();
    expect(restored.infix).toEqual(set.infix);
  });

  it('rejects bytes that are not a set for these measures', () => {
    const bytes = serializeSet(compileSet(operators));
    expect(() => deserializeSet(bytes.subarray(0, bytes.length - 4), operators)).toThrow(
      CompiledSetFormatError,
    );
    expect(() => deserializeSet(bytes.subarray(0, 20), operators)).toThrow(CompiledSetFormatError);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(() => deserializeSet(wrongMagic, operators)).toThrow(/bad magic/);
    const renamed = operators.map((m, i) => (i === 1 ? { ...m, id: 'other' } : m));
    expect(() => deserializeSet(bytes, renamed)).toThrow(/measure ids differ/);
    expect(() => deserializeSet(bytes, operators.slice(1))).toThrow(/measure ids differ/);
  });
});
