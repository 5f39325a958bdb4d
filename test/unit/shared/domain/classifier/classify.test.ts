import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lazyRulesVersion } from '../../../../../shared/domain/classifier/compile.js';
import { compileMatcher, compileMeasures } from '../../../../../shared/domain/classifier/index.js';
import { measure } from '../../../../support/measure.js';

/** Ids of the measures a one-query classifier matches on (title, summary). */
function hits(query: string, title: string, summary: string | null = null): boolean {
  return compileMeasures([measure('m', query)]).classify({ title, summary }).length === 1;
}

describe('operators', () => {
  it('AND and adjacency need every operand', () => {
    expect(hits('oil AND ban', 'oil ban')).toBe(true);
    expect(hits('oil ban', 'an oil embargo')).toBe(false);
  });
  it('OR needs one operand', () => {
    expect(hits('sberbank OR vtb', 'VTB hit')).toBe(true);
    expect(hits('sberbank OR vtb', 'Alfa hit')).toBe(false);
  });
  it('a NOT b means a AND NOT b', () => {
    expect(hits('"price cap" NOT ofgem', 'Price cap set by Ofgem')).toBe(false);
    expect(hits('"price cap" NOT ofgem', 'G7 price cap on oil')).toBe(true);
  });
  it('parentheses override precedence', () => {
    expect(hits('eu AND (oil OR gas)', 'EU gas')).toBe(true);
    expect(hits('eu AND oil OR gas', 'gas only')).toBe(true);
    expect(hits('eu AND (oil OR gas)', 'gas only')).toBe(false);
  });
  it('a prefix matches Slavic case endings', () => {
    expect(hits('sankcj*', 'Nowe sankcje wobec Rosji')).toBe(true);
    expect(hits('санкц*', 'новые санкциями')).toBe(true);
    expect(hits('sankcj*', 'sankcyjny')).toBe(false);
  });
  it('a leading "*" reaches inside compounds: *word* anywhere in a token, *word at its end', () => {
    expect(hits('*verbot*', 'EU beschließt Ölimportverbot')).toBe(true);
    expect(hits('*verbot*', 'Exportverbote für Russland')).toBe(true);
    expect(hits('*verbot*', 'Verbot')).toBe(true);
    expect(hits('*verbot', 'Exportverbote')).toBe(false);
    expect(hits('*liste', 'Neue Strafliste der EU')).toBe(true);
    expect(hits('*liste', 'Listenplatz')).toBe(false);
    expect(hits('*zolle*', 'Zusatzzölle auf Dünger')).toBe(true);
    expect(hits('*санкц*', 'антисанкционный закон')).toBe(true);
    expect(hits('*санкц*', 'Sanktion')).toBe(false);
  });
  it('an inner word in NEAR, field scopes and NOT works like any term', () => {
    expect(hits('*verbot* NEAR/2 russ*', 'Ölimportverbot gegen Russland')).toBe(true);
    expect(hits('*verbot* NEAR/2 russ*', 'Ölimportverbot der EU gegen das Land Russland')).toBe(false);
    expect(hits('title:(*verbot*)', 'EU', 'Ölimportverbot')).toBe(false);
    expect(hits('russ* NOT *verbot*', 'Russland: Ölimportverbot')).toBe(false);
  });
  it('NEAR holds on one compound word that holds both sides, never on overlapping phrases', () => {
    expect(hits('ölimport* NEAR/3 *verbot*', 'Ölimportverbot')).toBe(true);
    expect(hits('kohle* NEAR/1 *embargo*', 'Kohleembargo beschlossen')).toBe(true);
    // A plain word is no compound: both sides need two words however the word is matched.
    expect(hits('(oil OR oil*) NEAR/3 (oil OR gas)', 'oil prices')).toBe(false);
    expect(hits('(oil OR oil*) NEAR/3 (oil OR gas)', 'oil and gas')).toBe(true);
    expect(hits('"price cap" NEAR/5 cap', 'G7 price cap')).toBe(false);
    expect(hits('"price cap" NEAR/5 cap', 'G7 price cap: a cap on oil')).toBe(true);
  });
  it('NEAR/n matches either order within n words only', () => {
    expect(hits('sanction* NEAR/3 bank*', 'banks face US sanctions')).toBe(true);
    expect(hits('sanction* NEAR/3 bank*', 'sanctions hit three big Russian state banks')).toBe(false);
    expect(hits('sanction* NEAR/6 bank*', 'sanctions hit three big Russian state banks')).toBe(true);
  });
  it('phrases and NEAR never span the title and the summary', () => {
    expect(hits('"price cap"', 'oil price', 'cap agreed')).toBe(false);
    expect(hits('price NEAR/2 cap', 'oil price', 'cap agreed')).toBe(false);
  });
  it('field scopes restrict a clause to the title or the summary', () => {
    expect(hits('title:(embargo)', 'x', 'embargo')).toBe(false);
    expect(hits('summary:(embargo)', 'x', 'embargo')).toBe(true);
  });
  it('bare terms match English inflections, quoted words match the exact form', () => {
    for (const form of ['sanction', 'sanctions', 'sanctioned', 'sanctioning'])
      expect(hits('sanction', form)).toBe(true);
    expect(hits('"lifts"', 'UK lifted sanctions')).toBe(false);
    expect(hits('"lifts"', 'UK lifts sanctions')).toBe(true);
  });
  it('is case-, accent- and width-insensitive on both sides', () => {
    expect(hits('négociations', 'NEGOCIATIONS')).toBe(true);
    expect(hits('euroclear', 'ＥＵＲＯＣＬＥＡＲ')).toBe(true);
    expect(hits('ёмкость', 'емкость')).toBe(true);
  });
});

describe('requires and excludes', () => {
  const m = measure('m', 'sanction*', { requires: 'russia*', excludes: 'iran*' });
  const c = compileMeasures([m]);
  it('needs the requires clause', () =>
    expect(c.classify({ title: 'New sanctions on Venezuela', summary: null })).toEqual([]));
  it('is vetoed by the excludes clause', () => {
    expect(c.classify({ title: 'Sanctions on Russia and Iran', summary: null })).toEqual([]);
  });
  it('quotes requires spans as evidence too', () => {
    const [match] = c.classify({ title: 'Sanctions on Russia', summary: null });
    expect(match?.evidence.map((e) => e.text)).toEqual(['Sanctions', 'Russia']);
  });
});

describe('evidence', () => {
  it('gives offsets into the original field text', () => {
    const title = 'ＥＵ agrees: Russia’s oil price-cap set';
    const summary = 'Officials say the Price Cap starts Monday.';
    const [match] = compileMeasures([measure('cap', '"price cap"')]).classify({ title, summary });
    expect(match?.evidence).toEqual([
      { field: 'title', start: 24, end: 33, text: 'price-cap' },
      { field: 'summary', start: 18, end: 27, text: 'Price Cap' },
    ]);
    for (const e of match?.evidence ?? [])
      expect((e.field === 'title' ? title : summary).slice(e.start, e.end)).toBe(e.text);
  });
  it('quotes the whole compound for an inner word, once however often it occurs in the token', () => {
    const title = 'Ölimportverbot-Verbotsverbot und Strafliste';
    const [match] = compileMeasures([measure('m', '*verbot* AND *liste')]).classify({ title, summary: null });
    expect(match?.evidence).toEqual([
      { field: 'title', start: 0, end: 28, text: 'Ölimportverbot-Verbotsverbot' },
      { field: 'title', start: 33, end: 43, text: 'Strafliste' },
    ]);
  });
  it('scores in (0, 1], higher with title evidence', () => {
    const c = compileMeasures([measure('m', 'embargo')]);
    const inTitle = c.classify({ title: 'Oil embargo', summary: null })[0]?.score ?? 0;
    const inSummary = c.classify({ title: 'x', summary: 'Oil embargo' })[0]?.score ?? 0;
    expect(inSummary).toBeGreaterThan(0);
    expect(inTitle).toBeLessThanOrEqual(1);
    expect(inTitle).toBeGreaterThan(inSummary);
  });
});

describe('stage', () => {
  const c = compileMeasures([measure('pkg', 'package NEAR/4 sanction*')]);
  const stage = (title: string) => c.classify({ title, summary: null })[0]?.stage;
  it.each([
    ['US threatens a new package of sanctions', 'threatened'],
    ['Commission proposes 12th package of sanctions', 'proposed'],
    ['Hungary blocks talks on sanctions package', 'negotiated'],
    ['EU fails to agree on sanctions package', 'negotiated'],
    ['EU adopts 12th sanctions package', 'adopted'],
    ['Polska: UE przyjęła 12. pakiet sankcji', null],
    ['EU eases sanctions package on fertiliser', 'eased'],
  ])('%s → %s', (title, expected) => {
    if (expected === null) return expect(c.classify({ title, summary: null })).toEqual([]);
    expect(stage(title)).toBe(expected);
  });
  it('detects Polish stage words with a Polish query', () => {
    const pl = compileMeasures([measure('pkg', 'pakiet* NEAR/4 sankcj*')]);
    expect(pl.classify({ title: 'UE przyjęła 12. pakiet sankcji', summary: null })[0]?.stage).toBe('adopted');
  });
  it('is null when the text states no stage', () =>
    expect(stage('The sanctions package explained')).toBeNull());
});

describe('compiled matcher', () => {
  const measures = [measure('a', 'oil'), measure('b', 'NOT oil'), measure('c', 'gas OR oil')];
  it('returns matches in measure order, including measures that only negate', () => {
    expect(
      compileMeasures(measures)
        .classify({ title: 'gas', summary: null })
        .map((m) => m.measureId),
    ).toEqual(['b', 'c']);
    expect(
      compileMeasures(measures)
        .classify({ title: 'oil', summary: null })
        .map((m) => m.measureId),
    ).toEqual(['a', 'c']);
  });
  it('has a rules version that is stable and changes with the measures', () => {
    expect(compileMeasures(measures).rulesVersion).toBe(compileMeasures(measures).rulesVersion);
    expect(compileMeasures([measure('a', 'oil')]).rulesVersion).not.toBe(
      compileMeasures([measure('a', 'gas')]).rulesVersion,
    );
  });
  it("has a rules version that changes with the engine's own stage and context cues", () => {
    const set = [measure('a', 'oil')];
    expect(lazyRulesVersion(set)()).toBe(compileMeasures(set).rulesVersion);
    expect(lazyRulesVersion(set, ['another cue list'])()).not.toBe(lazyRulesVersion(set)());
  });
  it('gives the same answer on repeated calls (scratch state is reset)', () => {
    const c = compileMeasures(measures);
    const first = c.classify({ title: 'oil and gas', summary: 'oil' });
    c.classify({ title: 'something else entirely', summary: null });
    expect(c.classify({ title: 'oil and gas', summary: 'oil' })).toEqual(first);
  });
  it('explains each clause of a measure', () => {
    const c = compileMatcher([measure('m', 'sanction*', { requires: 'russia', excludes: 'iran' })]);
    const [x] = c.explain({ title: 'Sanctions on Iran', summary: null });
    expect(x).toMatchObject({
      measureId: 'm',
      matched: false,
      query: { matched: true },
      requires: { matched: false },
    });
    expect(x?.excludes?.evidence[0]?.text).toBe('Iran');
  });
  it('never throws, on any text', () => {
    const c = compileMeasures([
      measure('a', '(sanction* OR "price cap") NEAR/3 russia*', { excludes: 'title:(iran)' }),
      measure('b', 'NOT summary:(xy*) AND ("a b" OR c)'),
    ]);
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'grapheme' })),
        fc.option(fc.string({ unit: 'binary' })),
        (title, summary) => {
          const out = c.classify({ title, summary });
          for (const m of out) {
            expect(m.score).toBeGreaterThan(0);
            expect(m.score).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 500 },
    );
    // Wrong types from untrusted JSON must not throw either.
    expect(() => c.classify({ title: 42, summary: {} } as never)).not.toThrow();
    expect(() => c.classify(null as never)).not.toThrow();
  });
});

describe('evidence phrases', () => {
  const m = measure('oil', 'russian oil targeting');
  const texts = (title: string) =>
    compileMeasures([m])
      .classify({ title, summary: null })[0]
      ?.evidence.map((e) => e.text);

  it('joins adjacent spans separated by spaces or hyphens into one quote', () => {
    expect(texts('EU sanctions Russian oil targeting exports')).toEqual(['Russian oil targeting']);
    expect(texts('Russian-oil targeting rules')).toEqual(['Russian-oil targeting']);
  });

  it('never joins across a comma or other punctuation', () => {
    expect(texts('EU bans Russian oil, targeting exports')).toEqual(['Russian oil', 'targeting']);
    expect(texts('Russian oil: targeting')).toEqual(['Russian oil', 'targeting']);
  });
});
