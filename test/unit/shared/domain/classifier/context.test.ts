import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../../../shared/config/load-files.js';
import {
  CONTEXT_CUES,
  CONTEXT_TRIGGERS,
  type ContextHit,
  contextMask,
} from '../../../../../shared/domain/classifier/context.js';
import {
  type CompiledClassifier,
  compileMatcher,
  compileMeasures,
} from '../../../../../shared/domain/classifier/index.js';
import { foldText } from '../../../../../shared/domain/classifier/normalise.js';
import { stem } from '../../../../../shared/domain/classifier/stem.js';
import { measure } from '../../../../support/measure.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

/** A one-measure classifier: oil near a sanctions word. */
const oil = compileMatcher([measure('oil', 'oil NEAR/6 (sanction* OR ban OR banned OR embargo)')]);
const matches = (title: string, summary: string | null = null) =>
  oil.classify({ title, summary }).length === 1;
/** The same in Polish: "ropy" (oil) near a sanctions word. */
const ropa = compileMatcher([measure('pl', 'ropy NEAR/6 (sankcj* OR санкци*)')]);
const plHit = (title: string) => ropa.classify({ title, summary: null }).length === 1;
/** Whether a one-measure classifier for `query` matches a title. */
function titleMatcher(query: string): (title: string) => boolean {
  const classifier = compileMatcher([measure('q', query)]);
  return (title) => classifier.classify({ title, summary: null }).length > 0;
}

describe('contextMask', () => {
  // Positions 0-9; clauses: 0-3 | 4-6 | 7-9; sentences: 0-6 | 7-9.
  const layout = {
    count: 10,
    clauseOf: (p: number) => (p < 4 ? 0 : p < 7 ? 1 : 2),
    sentenceOf: (p: number) => (p < 7 ? 0 : 1),
  };
  const on = (mask: Uint8Array) => [...mask.keys()].filter((p) => mask[p] === 1);
  const hit = (kind: ContextHit['kind'], start: number, end = start + 1): ContextHit => ({
    kind,
    start,
    end,
  });

  it('a forward cue hides from itself to the end of its clause', () => {
    expect(on(contextMask([hit('forward', 1)], layout, []))).toEqual([1, 2, 3]);
  });
  it('a clause cue hides its clause, and the clause before when it opens its own', () => {
    expect(on(contextMask([hit('clause', 5)], layout, []))).toEqual([4, 5, 6]);
    expect(on(contextMask([hit('clause', 4)], layout, []))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // not across a sentence end
    expect(on(contextMask([hit('clause', 7)], layout, []))).toEqual([7, 8, 9]);
  });
  it('a sentence cue hides its whole sentence', () => {
    expect(on(contextMask([hit('sentence', 5)], layout, []))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('a negation hides to the clause end unless an exception word shares its clause', () => {
    expect(on(contextMask([hit('negation', 4)], layout, []))).toEqual([4, 5, 6]);
    expect(on(contextMask([hit('negation', 4)], layout, [6]))).toEqual([]);
    expect(on(contextMask([hit('negation', 4)], layout, [8]))).toEqual([4, 5, 6]);
  });
});

/** The OR alternatives of a query outside parentheses: each cue, with its own inner ORs kept whole. */
function topLevelAlternatives(query: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"') i = query.indexOf('"', i + 1);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && query.startsWith(' OR ', i)) {
      out.push(query.slice(from, i));
      from = i + 4;
    }
  }
  out.push(query.slice(from));
  return out;
}

describe('context cue triggers', () => {
  // A cue is looked for only when its kind's trigger query holds: a cue none of whose words is a
  // trigger would never fire, silently.
  it.each(['forward', 'clause', 'sentence'] as const)('every %s cue holds a trigger word', (kind) => {
    const triggers = (CONTEXT_TRIGGERS[kind] as string).split(' OR ').map((t) => ({
      prefix: t.endsWith('*'),
      text: foldText(t.replace(/\*$/, '')),
    }));
    const isTrigger = (w: string) =>
      triggers.some((t) => (t.prefix ? w.startsWith(t.text) : w === t.text || stem(w) === stem(t.text)));
    const cues = topLevelAlternatives(CONTEXT_CUES[kind]);
    expect(cues.length).toBeGreaterThan(10);
    expect(cues.filter((c) => !foldText(c.replace(/["*]/g, '')).split(' ').some(isTrigger))).toEqual([]);
  });
});

describe('context cues in the engine (any measure)', () => {
  it('hides a background clause opened by since / despite / years after', () => {
    expect(matches('Since the 2022 oil embargo, India buys more Urals')).toBe(false);
    expect(matches('Two years after the EU banned Russian oil, Poland imports more')).toBe(false);
    expect(matches('Exports rose despite the oil embargo')).toBe(false);
  });
  it('keeps the main clause after a background clause', () => {
    expect(matches('Two years after the invasion, EU bans Russian oil')).toBe(true);
    expect(matches('Since talks stalled, the EU has banned Russian oil')).toBe(true);
    expect(matches('EU bans Russian oil despite Hungarian objections')).toBe(true);
  });
  it('hides a relative clause dating the measure, with the noun it qualifies', () => {
    expect(matches('The oil embargo, which was imposed in 2022, has rerouted tankers')).toBe(false);
    expect(matches('Oil sanctions imposed in 2014 still apply')).toBe(false);
  });
  it('hides speculation and attribution to non-authorities', () => {
    expect(matches('A hope that the West will lift its oil sanctions')).toBe(false);
    expect(matches('The oil embargo could be eased next year, analysts say')).toBe(false);
    expect(matches('A wider oil ban would hardly shake prices, economists argue')).toBe(false);
    expect(matches('Experts say an oil embargo is coming')).toBe(false);
    expect(matches('An oil embargo is coming, the EU says')).toBe(true);
  });
  it('hides an authority negating its action, not a negotiation stance', () => {
    expect(matches('US rules out new sanctions on oil')).toBe(false);
    expect(matches('EU will not lift the oil embargo')).toBe(false);
    expect(matches('Hungary will not lift its veto on the oil embargo')).toBe(true);
    expect(matches('Germany has not ruled out a ban on Russian oil')).toBe(true);
  });
  it('never adds a match by hiding an excluding word', () => {
    // `any` matches, so the context step runs and hides "since Monday"; `m` stays excluded.
    const c = compileMeasures([measure('m', 'oil NEAR/6 ban', { excludes: 'since' }), measure('any', 'oil')]);
    const got = c.classify({ title: 'EU bans Russian oil since Monday', summary: null });
    expect(got.map((x) => x.measureId)).toEqual(['any']);
  });
  it('treats "after the ban" and "already covered" as background', () => {
    expect(matches('Russia redirects oil exports to Asia after the EU ban')).toBe(false);
    expect(matches('Refiners adapt following the embargo on Russian oil')).toBe(false);
    expect(matches('Imports held up, even after the oil ban became law in May')).toBe(false);
    expect(matches('Supplies rose after a ban on oil imports took effect')).toBe(false);
    expect(matches('Output held steady, two days after the G7 agreed an oil ban')).toBe(false);
    expect(matches('OPEC debates the prospect of an EU oil embargo')).toBe(false);
    expect(matches('A new regime, after an EU court annulled the oil sanctions on a trader')).toBe(false);
    expect(matches('The order widens an import ban that already covered Russian oil')).toBe(false);
    // A verb, not the noun: a development.
    expect(matches('Prices jump after the EU bans Russian oil')).toBe(true);
  });
  it('treats a step told as earlier ("previously cut off", "wcześniej odłączone") as background', () => {
    expect(matches('Oil tankers designated earlier this year sit idle off the coast, oil traders say')).toBe(
      false,
    );
    const banks = compileMatcher([
      measure(
        'banks',
        '(bank* OR banki OR bankami OR банки OR банков) NEAR/6 (swift OR sanction* OR sankcj*)',
      ),
    ]);
    const hit = (title: string) => banks.classify({ title, summary: null }).length === 1;
    expect(hit('Iran links its cards to Russian banks that were previously cut off from SWIFT')).toBe(false);
    expect(hit('Iran łączy systemy z rosyjskimi bankami wcześniej odłączonymi od SWIFT')).toBe(false);
    expect(hit('Иран подключает российские банки, ранее отключенные от SWIFT')).toBe(false);
    // The step itself, and an exemption that ends, are developments.
    expect(hit('EU cuts off three more Russian banks from SWIFT')).toBe(true);
    expect(hit('Banks previously exempt now lose SWIFT access')).toBe(true);
  });
  it('reads "жодного послаблення" (no easing at all) as a negated easing', () => {
    const relief = compileMatcher([
      measure('relief', '(послаблен* OR смягчени* OR złagodzeni*) NEAR/3 (санкці* OR санкци* OR sankcj*)'),
    ]);
    const hit = (title: string) => relief.classify({ title, summary: null }).length === 1;
    expect(hit('Сибіга: жодного послаблення санкцій до справедливого миру')).toBe(false);
    expect(hit('Польща: żadnego złagodzenia sankcji wobec Rosji')).toBe(false);
    expect(hit('ЄС обговорює послаблення санкцій проти Білорусі')).toBe(true);
  });
  it('reads "не разморозят" (will not unfreeze) as a negated easing', () => {
    const hit = titleMatcher('(размороз* OR розмороз*) NEAR/4 (резерв* OR актив*)');
    expect(hit('G7: резервы Банка России не разморозят, пока Москва не заплатит')).toBe(false);
    expect(hit('ЄС не розморозить активи Банку Росії')).toBe(false);
    expect(hit('США разморозят часть резервов Банка России')).toBe(true);
  });
  it('treats the "architect of" a measure as background', () => {
    expect(matches('Treasury official, architect of the Russian oil sanctions, to leave')).toBe(false);
    expect(
      matches('Treasury official, architect of oil sanctions, unveils new oil sanctions on Russia'),
    ).toBe(true);
  });
  it('treats what happens "after sanctions" as an impact, and more think tanks as attribution', () => {
    expect(matches('Refiners cut oil runs after sanctions')).toBe(false);
    expect(matches('Refiners cut oil runs after the sanctions on suppliers')).toBe(false);
    expect(matches('Finland wants more pressure on Russia after oil sanctions')).toBe(false);
    expect(matches('PISM: oil sanctions will not stop the war economy')).toBe(false);
    expect(matches('ISW says oil sanctions are being evaded')).toBe(false);
    expect(plHit('Ceny ropy rosną po unijnych sankcjach')).toBe(false);
    expect(plHit('Ceny ropy rosną po sankcjach')).toBe(false);
    expect(plHit('Koncern sprzedaje rafinerię ropy z powodu sankcji')).toBe(false);
    expect(plHit('Prezes koncernu ropy odchodzi. Powodem sankcje')).toBe(false);
    const sanctionsFr = titleMatcher('pétrol* NEAR/8 (sanction* OR désignation*)');
    expect(sanctionsFr('Un raffineur réduit ses achats de pétrole après la désignation de Rosneft')).toBe(
      false,
    );
    expect(sanctionsFr('Washington annonce la désignation de Rosneft, premier groupe pétrolier russe')).toBe(
      true,
    );
    // The step itself still matches, and "after US sanctions" is left alone (it names the step).
    expect(matches('EU adopts oil sanctions after talks')).toBe(true);
    expect(matches('Oil tanker seized after US sanctions on its owner')).toBe(true);
  });
  it('treats buying "under an exemption" or "under a waiver" from a ban as background', () => {
    expect(matches('Refiner profits as it buys oil under an exemption from the embargo')).toBe(false);
    expect(matches('Refiner keeps buying oil under the waiver from the ban')).toBe(false);
    expect(matches('Refiner stops buying oil as the ban takes effect')).toBe(true);
  });
  it('treats acting "to avoid" or "for fear of" sanctions as no measure (en, pl)', () => {
    expect(matches('Refiners halt oil purchases to avoid US sanctions')).toBe(false);
    expect(matches('Oil trade stalls over fears of US sanctions')).toBe(false);
    expect(matches('Refiners halt oil purchases under the threat of sanctions')).toBe(false);
    expect(plHit('Rafinerie wstrzymują zakupy ropy w obawie przed sankcjami USA')).toBe(false);
    expect(plHit('Koncerny boją się sankcji i nie kupują ropy')).toBe(false);
    // The step itself, or the threat made by the authority, still matches.
    expect(matches('US imposes oil sanctions on refiners')).toBe(true);
    expect(matches('US threatens oil sanctions on refiners')).toBe(true);
    expect(plHit('USA nakładają sankcje na dostawców ropy')).toBe(true);
  });
  it('reads "nie ma mowy" (out of the question) as a negation, and a think tank by name as attribution', () => {
    const relief = compileMatcher([measure('relief', '(zdejm* OR lifting) NEAR/3 (sankcj* OR sanctions)')]);
    const hit = (title: string) => relief.classify({ title, summary: null }).length === 1;
    expect(hit('Kallas: o zdejmowaniu sankcji nie ma mowy')).toBe(false);
    expect(hit('Kallas: zdejmowanie sankcji? Nie ma mowy')).toBe(false);
    expect(hit('UE rozważa zdejmowanie sankcji z Białorusi')).toBe(true);
    expect(matches('Bruegel: an oil embargo would cost Europe little')).toBe(false);
  });
  it('treats a study’s findings as attribution, not a development', () => {
    expect(matches('Study finds oil embargo costs Moscow €160m a day')).toBe(false);
    expect(matches('Crea-Studie: Oil embargo kostet Moskau Millionen')).toBe(false);
    // "study" as a verb is no attribution.
    expect(matches('EU to study a ban on Russian oil')).toBe(true);
  });
  it('treats the IEA’s figures as an agency’s analysis, not a development', () => {
    expect(matches('IEA: the oil embargo cut Russian export revenue by a third')).toBe(false);
    expect(matches('Internationale Energieagentur: das oil embargo drückt Moskaus Erlöse')).toBe(false);
    expect(matches('The EU adopts an oil embargo on Russia')).toBe(true);
  });
  it('treats "effectiveness of" sanctions as an assessment, not a development', () => {
    expect(matches('A podcast on the effectiveness of the oil sanctions')).toBe(false);
    expect(matches('Experts question the efficacy of the oil embargo')).toBe(false);
    expect(matches('EU weighs the effectiveness of a new oil ban')).toBe(false);
    expect(matches('EU proposes a new oil ban')).toBe(true);
  });
  it('treats "showing that" and "having a major impact" as an assessment of sanctions, not a development', () => {
    expect(matches('Refiners cut intake, showing that the oil ban is hitting Russia')).toBe(false);
    expect(matches('Data on tankers, suggesting that the oil ban is hitting Russia')).toBe(false);
    expect(matches('The oil ban imposed on Russia is having a major impact')).toBe(false);
    expect(matches('The oil sanctions on Russia are having an impact, the IEA says')).toBe(false);
    // The same words with nothing assessing them: a development.
    expect(matches('Refiners cut intake as the EU bans Russian oil')).toBe(true);
  });
  it('treats "three years of" a ban (an anniversary) as background', () => {
    expect(matches('Three years of the oil ban: who buys Russian crude now')).toBe(false);
    const hit = titleMatcher('*embargo*');
    expect(hit('Drei Jahre Ölembargo: Wer heute Russlands Rohöl kauft')).toBe(false);
    expect(hit('Trois ans d embargo pétrolier : qui achète encore le brut russe')).toBe(false);
    expect(hit('Ölembargo: Wer heute Russlands Rohöl kauft')).toBe(true);
    expect(hit('Ein Jahr nach dem Ölembargo: Wer heute Russlands Rohöl kauft')).toBe(false);
    // "ein Jahr lang" is a duration, not an anniversary: the words after it stay.
    expect(hit('Ungarn bekommt ein Jahr lang eine Ausnahme vom Ölembargo')).toBe(true);
    // Two years of war, then a development in its own clause.
    expect(matches('Two years of war: the EU proposes a new oil ban on Russia')).toBe(true);
  });
  it('treats "since" a day just past as the date of what the item reports, not as background', () => {
    expect(matches('Since the 2022 oil ban, Russia sells its crude to India')).toBe(false);
    expect(matches('Since Monday the EU oil ban applies to Russian crude')).toBe(true);
    const hit = titleMatcher('*verbot*');
    expect(hit('Seit Sonntag gilt das Importverbot für russisches Uran')).toBe(true);
    expect(hit('Seit dem Importverbot kauft Europa weniger Uran')).toBe(false);
    // A day of the month dates the item; a year is background.
    expect(hit('Seit 1. März gilt das Importverbot für russische Diamanten')).toBe(true);
    expect(hit('Seit dem 5. Februar gilt das Importverbot für russische Ölprodukte')).toBe(true);
    expect(hit('Seit 2022 gilt das Importverbot für russische Diamanten')).toBe(false);
  });
  it('treats "despite" sanctions as background, except in the clause of a permission that eases them', () => {
    expect(matches('Despite the oil sanctions, Russia sells its crude to India')).toBe(false);
    expect(matches('Exports rose despite the oil ban on Russia')).toBe(false);
    // A licence or permission "despite" the sanctions reports the easing and names what it eases.
    expect(matches('A US licence lets the refinery keep operating despite the oil sanctions')).toBe(true);
    expect(plHit('Amerykanie pozwolili kupować ropy mimo sankcji')).toBe(true);
    expect(plHit('Indie kupują więcej ropy mimo sankcji')).toBe(false);
    const hit = titleMatcher('санкци*');
    expect(hit('Лицензия позволяет покупателям завершать сделки, несмотря на санкции')).toBe(true);
    expect(hit('Экспорт вырос, несмотря на санкции')).toBe(false);
  });
  it('treats a measure told "amid" other news as background, unless the backdrop is a negotiation', () => {
    expect(matches('Oil prices soar amid new sanctions on Russian oil')).toBe(false);
    expect(plHit('Rubel słabnie na tle sankcji na import ropy')).toBe(false);
    expect(plHit('UE nakłada sankcje na import ropy')).toBe(true);
    const hit = titleMatcher('санкци*');
    expect(hit('Рубль падает на фоне новых санкций')).toBe(false);
    expect(hit('США ввели новые санкции')).toBe(true);
    // A dispute or talks as the backdrop is itself the development.
    expect(matches('Leaders meet amid EU talks on new oil sanctions')).toBe(true);
    expect(matches('The EU imposes new oil sanctions on Russia')).toBe(true);
  });
  it('treats banks\u2019 research desks and ship trackers as attribution', () => {
    expect(matches('Goldman sees limited hit to supply from the oil sanctions')).toBe(false);
    expect(matches('Kpler: oil ban has cut Russian loadings by a fifth')).toBe(false);
    expect(matches('Analysts at the bank said the oil ban would be rerouted within months')).toBe(false);
    expect(matches('Rouble firms as investors speculated that talks could bring an end to the oil ban')).toBe(
      false,
    );
    expect(matches('Nomura says the oil ban will cut Russian exports by a fifth')).toBe(false);
    expect(matches('IMF warns that the oil ban will cut Russian growth')).toBe(false);
    expect(matches('Tanker with banned Russian oil spotted off China, according to SynMax')).toBe(false);
    expect(plHit('Analityk: sankcje na dostawy ropy z Rosji nie podniosą cen')).toBe(false);
    expect(plHit('USA nakładają sankcje na dostawy ropy z Rosji')).toBe(true);
    expect(matches('The EU adopts an oil ban on Russia, the bank said')).toBe(true);
  });
  it('treats the anniversary of a ban as background, and that of the invasion as a date', () => {
    expect(matches('On the anniversary of the oil ban, Russia sells more crude to India')).toBe(false);
    expect(matches('The package agreed on the anniversary of the invasion bans Russian oil')).toBe(true);
  });
  it('treats "as a result of" / "w wyniku" / "wynikiem" sanctions as a cause (background)', () => {
    expect(matches('Output fell as a result of the oil ban imposed on Russia')).toBe(false);
    expect(matches('Spadek eksportu w wyniku sankcji na oil')).toBe(false);
    expect(matches('Cięcia są wynikiem sankcji na oil')).toBe(false);
    expect(matches('Output fell as the EU imposed an oil ban on Russia')).toBe(true);
  });
  it('treats "because of", "из за" and "через санкції" as a cause, and Russian analysts as the speaker', () => {
    expect(matches('Exports fell because of the oil ban on Russia')).toBe(false);
    expect(matches('Экспорт упал из-за embargo на oil')).toBe(false);
    expect(matches('Доходи впали через санкції та oil embargo')).toBe(false);
    expect(matches('Аналитики Kpler: the oil embargo is biting')).toBe(false);
    expect(matches('Аналітики: the oil embargo is biting')).toBe(false);
    expect(matches('Analitycy: the oil embargo podbije ceny')).toBe(false);
    expect(matches('The oil embargo costs Russia €150m a day, think tank estimates')).toBe(false);
    expect(matches('Exports fell when the EU imposed an oil ban on Russia')).toBe(true);
  });
  it('treats the impact of a measure in Polish and German (wpływ, skutki, Auswirkungen) as an assessment', () => {
    const pl = compileMatcher([measure('oil', '(rop* OR oil OR öl) NEAR/6 (embargo* OR zakaz*)')]);
    const plMatches = (title: string) => pl.classify({ title, summary: null }).length === 1;
    expect(plMatches('Rafinerie czekają na wpływ zakazu importu rosyjskiej ropy')).toBe(false);
    expect(plMatches('Skutki embarga na rosyjską ropę odczuwa cała Europa')).toBe(false);
    expect(plMatches('Die Auswirkungen des Embargos auf russisches Öl')).toBe(false);
    expect(plMatches('UE wprowadza zakaz importu rosyjskiej ropy')).toBe(true);
  });
  it('quotes evidence from the original text at unchanged offsets', () => {
    const title = 'Two years after the invasion, EU bans Russian oil';
    const [m] = oil.classify({ title, summary: null });
    expect(m?.evidence.map((e) => e.text)).toEqual(['bans', 'oil']);
    for (const e of m?.evidence ?? []) expect(title.slice(e.start, e.end)).toBe(e.text);
  });
  it('explain reports the hidden words as not matching, and that they alone stopped the match', () => {
    const [e] = oil.explain({ title: 'Since the oil embargo, prices rose', summary: null });
    expect(e?.matched).toBe(false);
    expect(e?.query.matched).toBe(false);
    expect(e?.hiddenByContext).toBe(true);
    const [plain] = oil.explain({ title: 'Gold prices rose', summary: null });
    expect(plain?.hiddenByContext).toBe(false);
    const [matched] = oil.explain({ title: 'EU agrees an oil embargo', summary: null });
    expect([matched?.matched, matched?.hiddenByContext]).toEqual([true, false]);
  });
  it('explainContext names each cue, its kind and the words it hides', () => {
    const title = 'Since the oil embargo, prices rose';
    const summary = 'Analysts say a ban could come. The EU bans oil.';
    const got = oil.explainContext({ title, summary });
    expect(got.map((c) => [c.kind, c.cue.field, c.cue.text])).toEqual([
      ['forward', 'title', 'Since'],
      ['sentence', 'summary', 'Analysts say'],
    ]);
    expect(got.map((c) => c.hidden.map((h) => h.text))).toEqual([
      ['Since the oil embargo'],
      ['Analysts say a ban could come'],
    ]);
    for (const c of got)
      for (const e of [c.cue, ...c.hidden])
        expect((e.field === 'title' ? title : summary).slice(e.start, e.end)).toBe(e.text);
    expect(oil.explainContext({ title: 'EU bans Russian oil', summary: null })).toEqual([]);
  });
});

interface Case {
  id: string;
  lang: string;
  title: string;
  summary: string | null;
  labels: string[];
  note: string;
}

describe('background / speculation / negation set with the default measures', () => {
  let classifier: CompiledClassifier;
  beforeAll(async () => {
    classifier = compileMatcher(await loadMeasuresFile(`${root}config/measures.yaml`));
  });
  const cases: Case[] = readFileSync(`${root}test/fixtures/classifier/background.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Case);

  it('holds at least 40 English items and items in the other five languages', () => {
    expect(cases.filter((c) => c.lang === 'en').length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.lang))).toEqual(new Set(['en', 'de', 'fr', 'pl', 'ru', 'uk']));
  });
  it.each(cases.map((c) => [c.id, c.note, c] as const))('%s (%s)', (_id, _note, c) => {
    const got = classifier.classify({ title: c.title, summary: c.summary }).map((m) => m.measureId);
    expect(got.sort()).toEqual([...c.labels].sort());
  });
  it('explain agrees with classify on every item, and flags the measures the context cues stopped', () => {
    let stopped = 0;
    for (const c of cases) {
      const text = { title: c.title, summary: c.summary };
      const got = classifier.classify(text);
      const x = classifier.explain(text);
      expect(x.filter((e) => e.matched).map((e) => [e.measureId, e.score, e.stage])).toEqual(
        got.map((m) => [m.measureId, m.score, m.stage]),
      );
      const flagged = x.filter((e) => e.hiddenByContext);
      stopped += flagged.length;
      if (flagged.length > 0) expect(classifier.explainContext(text).length).toBeGreaterThan(0);
    }
    expect(stopped).toBeGreaterThan(10);
  });
});
