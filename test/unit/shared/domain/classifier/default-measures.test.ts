import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../../../shared/config/load-files.js';
import { type Classifier, compileMeasures } from '../../../../../shared/domain/classifier/index.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
let classifier: Classifier;
beforeAll(async () => {
  classifier = compileMeasures(await loadMeasuresFile(`${root}config/measures.yaml`));
});
const ids = (title: string, summary: string | null = null) =>
  classifier.classify({ title, summary }).map((m) => m.measureId);

interface Fixture {
  id: string;
  title: string;
  summary: string;
  labels: string[];
  note: string;
}
const fixtures: Fixture[] = readFileSync(`${root}test/fixtures/news/items.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Fixture);

describe('default measures', () => {
  it('ships the eight measures of the labelling guide', () => {
    expect(classifier.measures.map((m) => m.id)).toEqual([
      'ru-energy',
      'ru-banks',
      'secondary',
      'frozen-assets',
      'tariffs',
      'shadow-fleet',
      'eu-package',
      'relief',
    ]);
  });

  it('matches the seed article story on several of its measures', () => {
    const text = readFileSync(`${root}test/fixtures/news/seed-article.txt`, 'utf8');
    const [first, ...rest] = text.split('\n');
    const found = ids(
      'U.S. and EU officials discuss new coordinated sanctions against Russia',
      `${first} ${rest.join(' ')}`,
    );
    const expected = ['secondary', 'frozen-assets', 'ru-banks', 'ru-energy', 'tariffs'].filter((id) =>
      found.includes(id),
    );
    expect(expected.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(fixtures)('$id ($note)', (f) => {
    it(`gets exactly [${f.labels.join(', ')}]`, () => {
      expect(ids(f.title, f.summary).sort()).toEqual([...f.labels].sort());
    });
  });

  it.each([
    [
      'other regime',
      'US sanctions Iranian oil exports',
      'Treasury targets tankers shipping Iranian crude to China.',
    ],
    [
      'other sense: sports body',
      'IOC keeps sanctions on Russian athletes',
      'The Olympic body said the ban stays.',
    ],
    ['other sense: approve', 'Council sanctions new bridge budget', null],
    [
      'background mention',
      'Rouble slides as sanctions bite',
      'Russian oil revenue fell despite the price cap.',
    ],
    ['war news', 'Russian drones hit Kyiv energy grid', 'Missiles struck power plants overnight.'],
    [
      'energy market',
      'EU ministers agree gas price cap',
      'The dynamic cap on gas prices takes effect in February.',
    ],
    ['counter-measure', 'Putin bans oil sales to price-cap countries in retaliation', null],
  ])('matches nothing on a hard negative (%s)', (_kind, title, summary) => {
    expect(ids(title, summary)).toEqual([]);
  });

  it.each([
    ['de', 'EU beschließt neues Sanktionspaket gegen Russland', 'eu-package'],
    ['fr', "L'UE adopte un nouveau paquet de sanctions contre la Russie", 'eu-package'],
    ['pl', 'UE przyjęła 12. pakiet sankcji wobec Rosji', 'eu-package'],
    ['ru', 'ЕС утвердил новый пакет санкций против России', 'eu-package'],
    ['uk', 'ЄС ухвалив новий пакет санкцій проти Росії', 'eu-package'],
    ['en', 'US sanctions Chinese firms helping Russia evade sanctions', 'secondary'],
    ['pl', 'USA nałożyły sankcje na chińskie firmy pomagające Rosji', 'secondary'],
    ['en', 'G7 agrees to lower the price cap on Russian oil', 'shadow-fleet'],
    ['en', 'EU lifts sanctions on three Russian tycoons', 'relief'],
    ['en', 'EU agrees to use windfall profits of frozen Russian central bank assets', 'frozen-assets'],
  ])('reports a development in %s: %s', (_lang, title, id) => {
    expect(ids(title)).toContain(id);
  });

  // Polish words whose stem changes in the nominative (fleeting e): the prefix of the other cases
  // (tankowc-, statk-, wyjątk-) does not match it, so the measures carry both.
  it.each([
    ['tankowiec', 'Estonia zatrzymała tankowiec floty cieni', null, 'shadow-fleet'],
    ['statek', 'Unijne sankcje na statek przewożący rosyjską ropę ponad limit cenowy', null, 'shadow-fleet'],
    [
      'wyjątek',
      'Bułgaria dostała zgodę na import rosyjskiej ropy',
      'Wyjątek od unijnego embarga pozwala rafinerii Łukoilu przerabiać rosyjski surowiec.',
      'relief',
    ],
  ])('matches the Polish nominative %s', (_word, title, summary, id) => {
    expect(ids(title, summary)).toContain(id);
  });
});
