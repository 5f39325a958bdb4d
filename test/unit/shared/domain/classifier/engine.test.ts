import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileSet,
  inflections,
  postingList,
  toPostings,
} from '../../../../../shared/domain/classifier/compile.js';
import {
  CompiledClassifier,
  compileMatcher,
  stem,
  tokenize,
} from '../../../../../shared/domain/classifier/index.js';
import type { Measure } from '../../../../../shared/domain/types.js';
import { measure } from '../../../../support/measure.js';

const RUSSIA = '(russia* OR russian* OR moscow OR росси* OR rosj*)';
const SANCTION = '(sanction* OR sankcj* OR санкц* OR embargo*)';
const measures: Measure[] = [
  measure('energy', `(oil OR gas OR "crude oil" OR ropa OR нефт*) NEAR/5 ${SANCTION}`, {
    requires: `${RUSSIA} AND (adopt* OR impose OR propos* OR talks)`,
    excludes: '(ioc OR fifa) OR ("price cap" NOT oil)',
  }),
  measure('banks', `(swift OR sberbank OR vtb OR (${RUSSIA} NEAR/3 bank*)) AND ${SANCTION}`, {
    requires: `${RUSSIA} AND (adopt* OR impose OR propos* OR talks)`,
    excludes: '(ioc OR fifa)',
  }),
  measure('only-not', 'NOT zzz'),
  // Compounds: inner words and word ends (Ölimportverbot, Strafliste), Cyrillic too.
  measure('compounds', '(*verbot* OR *liste OR *санкц* OR *ctio*) AND (russ* OR *land)'),
];

/** Atoms of a token by the dictionary maps: the definition the trie must reproduce. */
function referenceAtoms(c: CompiledClassifier, token: string): number[] {
  const set = (c as unknown as { set: ReturnType<typeof compileSet> }).set;
  const out = new Set<number>();
  const s = set.stemAtoms.get(stem(token));
  if (s !== undefined) out.add(s);
  const e = set.exactAtoms.get(token);
  if (e !== undefined) out.add(e);
  for (const [p, a] of set.prefixAtoms) if (token.startsWith(p)) out.add(a);
  for (const [w, a] of set.innerAtoms) if (token.includes(w)) out.add(a);
  for (const [w, a] of set.tailAtoms) if (token.endsWith(w)) out.add(a);
  return [...out].sort((x, y) => x - y);
}

const words = [
  'Sanctions',
  'sanctioned',
  'oil',
  'Oils',
  'gases',
  'Russia’s',
  'RUSSIAN',
  'sankcje',
  'санкциями',
  'Нефти',
  'ropa',
  'crude',
  'banking',
  'Sberbank',
  'ＶＴＢ',
  'talks',
  'imposed',
  'proposal',
  'adopting',
  'zzz',
  'Ölimportverbot',
  'Exportverbote',
  'Sanktionsliste',
  'Straflisten',
  'Russland',
  'антисанкционный',
  'verbotverbot',
];
const textArb = fc
  .array(fc.oneof(fc.constantFrom(...words), fc.string({ unit: 'grapheme', maxLength: 6 })), {
    maxLength: 12,
  })
  .chain((parts) =>
    fc
      .array(fc.constantFrom(' ', ', ', '-', "'s ", '. ', '\u00ad', ''), {
        minLength: parts.length,
        maxLength: parts.length,
      })
      .map((seps) => parts.map((p, i) => p + (seps[i] ?? ' ')).join('')),
  );

describe('inflections (the inverse of stem, used to fill the trie)', () => {
  it('lists every word whose stem is s, and only those', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,10}$/), (w) => {
        const s = stem(w);
        const forms = inflections(s);
        expect(forms).toContain(w);
        for (const f of forms) expect(stem(f)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
  it('covers the irregular spellings the stemmer folds', () => {
    for (const w of ['seize', 'seizes', 'seized', 'seizing', 'bans', 'banned', 'banning', 'curbs', 'eases']) {
      expect(inflections(stem(w))).toContain(w);
    }
    expect(inflections(stem('tariff'))).toEqual(expect.arrayContaining(['tariff', 'tariffs']));
    expect(inflections(stem('penalty'))).toEqual(expect.arrayContaining(['penalty', 'penalties']));
  });
});

describe('the trie scanner', () => {
  const c = compileMatcher(measures);
  it('finds exactly the atoms the dictionary maps give each token (property)', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const tokens = tokenize(text);
        const atoms = c.tokenAtoms(text);
        expect(atoms.length).toBe(tokens.length);
        tokens.forEach((t, i) => {
          expect([...(atoms[i] ?? [])].sort((x, y) => x - y)).toEqual(referenceAtoms(c, t.text));
        });
      }),
      { numRuns: 500 },
    );
  });
  it('folds case, width and accents while walking', () => {
    const [a] = c.tokenAtoms('ＳＡＮＣＴＩＯＮＳ');
    expect(a?.length).toBeGreaterThan(0);
    expect(c.tokenAtoms('SANCTIONS')[0]).toEqual(a);
  });
});

describe('the inner/tail automaton', () => {
  it('uses a 32-bit table when a 16-bit one cannot address every state, with the same answers', () => {
    // 2,000 inner words: three letters counting in base 26, then "qxzj": about 9,000 states x 36
    // symbols, past 16-bit offsets (1,820 states).
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const word = (i: number) =>
      `${letters[Math.floor(i / 676) % 26]}${letters[Math.floor(i / 26) % 26]}${letters[i % 26]}qxzj`;
    const many = Array.from({ length: 2000 }, (_, i) => `*${word(i)}*`);
    const big = compileSet([measure('big', many.join(' OR '))]);
    expect(big.infix?.delta).toBeInstanceOf(Int32Array);
    const small = compileSet([measure('small', `*${word(1999)}*`)]);
    expect(small.infix?.delta).toBeInstanceOf(Uint16Array);
    const text = { title: `pre${word(1999)}post and ${word(7)}`, summary: null };
    expect(new CompiledClassifier(big).classify(text).map((m) => m.measureId)).toEqual(['big']);
    expect(new CompiledClassifier(small).classify(text).map((m) => m.measureId)).toEqual(['small']);
    expect(new CompiledClassifier(big).classify({ title: 'nothing here', summary: null })).toEqual([]);
  });
});

describe('hash-consed compilation', () => {
  it('compiles a clause repeated across measures to one shared node', () => {
    const set = compileSet(measures);
    const [energy, banks] = set.measures;
    expect(energy?.requires).toBe(banks?.requires);
    // The shared Russia group inside the banks query is the requires' node too.
    expect(set.nodeCount).toBeLessThan(compileSet([measures[0] as Measure]).nodeCount * 2);
  });
  it('gives each measure the same result alone as in a set (property)', () => {
    const together = compileMatcher(measures);
    const alone = measures.map((m) => compileMatcher([m]));
    const summaryArb = fc.option(textArb, { nil: null });
    fc.assert(
      fc.property(textArb, summaryArb, (title, summary) => {
        const all = together.classify({ title, summary });
        const single = alone.flatMap((c) => c.classify({ title, summary }));
        expect(all).toEqual(single);
      }),
      { numRuns: 400 },
    );
  });
  it('classifies the same text the same way every time (memo tables reset per item)', () => {
    const c = compileMatcher(measures);
    const text = { title: 'EU adopts oil sanctions on Russia', summary: 'Talks on Sberbank sanctions' };
    const first = c.classify(text);
    c.classify({ title: 'FIFA sanctions club', summary: null });
    expect(c.classify(text)).toEqual(first);
    expect(first.map((m) => m.measureId)).toEqual(['energy', 'banks', 'only-not', 'compounds']);
  });
});

describe('stage', () => {
  const c = compileMatcher([
    measure('pkg', '(package* NEAR/4 sanction*) OR (ban NEAR/4 lng)', { requires: 'russia* OR russian*' }),
  ]);
  const stage = (title: string, summary: string | null = null) => c.classify({ title, summary })[0]?.stage;
  it('reports talks and proposals as negotiated / proposed, not adopted', () => {
    expect(stage('Officials met to advance discussions on a ban on Russian LNG')).toBe('negotiated');
    expect(stage('Discussions focused on a ban on Russian LNG in a new package of sanctions')).toBe(
      'negotiated',
    );
    expect(stage('A ban on Russian LNG is under consideration')).toBe('proposed');
    expect(stage('Proposals on the table include a ban on Russian LNG')).toBe('proposed');
  });
  it('puts an adoption verb under would / could / plans to / threatens to in the irrealis', () => {
    expect(stage('The EU would ban Russian LNG under the new package of sanctions')).toBe('proposed');
    expect(stage('Brussels plans to adopt a package of sanctions on Russia')).toBe('proposed');
    expect(stage('Washington threatens to impose a package of sanctions on Russia')).toBe('threatened');
  });
  it('keeps adoption when the clause reports it', () => {
    expect(stage('EU adopts package of sanctions against Russia, including a ban on LNG')).toBe('adopted');
    expect(stage('EU bans Russian LNG')).toBe('adopted');
  });
  it('prefers the cue in the evidence’s own sentence', () => {
    expect(
      stage(
        'Russia news',
        'Talks continue in Brussels. The EU adopted a new package of sanctions on Russia.',
      ),
    ).toBe('adopted');
    expect(
      stage(
        'Russia news',
        'The EU adopted rules on LNG. Ministers will discuss a package of sanctions next week.',
      ),
    ).toBe('negotiated');
  });
});

describe('candidate measures (only those whose necessary atoms occur are evaluated)', () => {
  // Random measures over the test vocabulary: ORs, ANDs, NOTs, NEAR, phrases, prefixes, field scopes.
  const vocab = [
    'oil',
    'gas',
    'sanction',
    'russia*',
    'talks',
    '"crude oil"',
    'bank*',
    'zzz',
    'adopt*',
    'ropa',
    '*verbot*',
    '*liste',
  ];
  const leaf = fc.constantFrom(...vocab);
  const clause: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
    q: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a} OR ${b})`),
      fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a} AND ${b})`),
      fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a} NOT ${b})`),
      fc.tuple(leaf, leaf, fc.integer({ min: 1, max: 4 })).map(([a, b, n]) => `(${a} NEAR/${n} ${b})`),
      tie('q').map((a) => `title:(${a})`),
      tie('q').map((a) => `NOT ${a}`),
    ),
  })).q;
  const measureSet = fc.array(
    fc.record({ q: clause, r: fc.option(clause, { nil: null }), x: fc.option(clause, { nil: null }) }),
    { minLength: 1, maxLength: 6 },
  );

  it('matches exactly the measures a full evaluation of every measure matches (property)', () => {
    fc.assert(
      fc.property(measureSet, textArb, fc.option(textArb, { nil: null }), (defs, title, summary) => {
        const set = defs.map((d, i) => measure(`m${i}`, d.q, { requires: d.r, excludes: d.x }));
        const c = compileMatcher(set);
        // The same engine without pruning: every measure evaluated for every item.
        const everything = compileSet(set);
        everything.alwaysEvaluate = everything.measures.map((m) => m.index);
        everything.atomMeasures = toPostings([], everything.atomCount);
        const reference = new CompiledClassifier(everything);
        const text = { title, summary };
        expect(c.classify(text)).toEqual(reference.classify(text));
      }),
      { numRuns: 400 },
    );
    // About 4 s on this machine (two compiles per run): the default 5 s timed out under load.
  }, 30_000);

  it('gives the same result with the OR-child gates as without them (property)', () => {
    fc.assert(
      fc.property(measureSet, textArb, fc.option(textArb, { nil: null }), (defs, title, summary) => {
        const set = defs.map((d, i) => measure(`m${i}`, d.q, { requires: d.r, excludes: d.x }));
        const c = compileMatcher(set);
        // The same compiled set with every gate unknown: each OR child is tested in full.
        const ungated = new CompiledClassifier(compileSet(set));
        const gates = ungated as unknown as { orChildGates: Array<Int32Array | null> };
        for (const list of gates.orChildGates) list?.fill(-1);
        const text = { title, summary };
        expect(c.classify(text)).toEqual(ungated.classify(text));
      }),
      { numRuns: 400 },
    );
  }, 30_000);

  it('does not evaluate a measure whose rare necessary term is absent', () => {
    const set = compileSet([measure('rare', '(oil OR gas) AND zzz'), measure('any', 'oil OR gas')]);
    // zzz is the cheaper necessary atom (mentioned once; oil/gas twice): only it triggers "rare".
    const zzz = set.stemAtoms.get('zzz') as number;
    const oil = set.stemAtoms.get('oil') as number;
    expect(postingList(set.atomMeasures, zzz)).toEqual([0]);
    expect(postingList(set.atomMeasures, oil)).toEqual([1]);
  });
});

describe('evidence and sentences', () => {
  const c = compileMatcher([measure('m', '(oil NEAR/3 sanction*) OR (sanction* NEAR/2 russia*) OR gas')]);
  it('merges overlapping and adjacent spans into phrases, in text order', () => {
    const [m] = c.classify({ title: 'Russia sanctions on oil and gas', summary: null });
    expect(m?.evidence.map((e) => e.text)).toEqual(['Russia sanctions', 'oil', 'gas']);
    expect(m?.evidence[0]).toEqual({ field: 'title', start: 0, end: 16, text: 'Russia sanctions' });
  });
  it('quotes query phrases before requires phrases and joins them across clauses', () => {
    const c2 = compileMatcher([measure('m', 'lng OR fleet', { requires: 'russia* OR targeting' })]);
    const [m] = c2.classify({
      title: 'Targeting Russia: curbs',
      summary: 'The EU hits the shadow fleet, then Russian LNG imports.',
    });
    // "Russian LNG" is one phrase holding a query span, so it comes first with the other query one.
    expect(m?.evidence.map((e) => [e.field, e.text])).toEqual([
      ['summary', 'fleet'],
      ['summary', 'Russian LNG'],
      ['title', 'Targeting Russia'],
    ]);
    // The score counts the separate spans as before (title evidence, 4+ spans).
    expect(m?.score).toBe(1);
  });
  it('does not join spans across a sentence end or the title/summary boundary', () => {
    const c2 = compileMatcher([measure('m', 'sanction* OR russia*')]);
    const [m] = c2.classify({ title: 'New sanctions', summary: 'Russia. Sanctions hit U.S. sanctions' });
    expect(m?.evidence.map((e) => e.text)).toEqual(['sanctions', 'Russia', 'Sanctions', 'sanctions']);
  });
  it('caps evidence at 6 spans, query spans kept first; explain still lists every span', () => {
    const c2 = compileMatcher([measure('m', 'embargo', { requires: 'russia*' })]);
    const summary = `${'Russia and '.repeat(7)}an embargo.`;
    const [m] = c2.classify({ title: 'x', summary });
    expect(m?.evidence).toHaveLength(6);
    expect(m?.evidence[0]?.text).toBe('embargo');
    expect(m?.evidence.slice(1).map((e) => e.text)).toEqual(Array(5).fill('Russia'));
    const [x] = c2.explain({ title: 'x', summary });
    expect(x?.requires?.evidence).toHaveLength(7);
    expect(x?.query.evidence.map((e) => e.text)).toEqual(['embargo']);
  });
  it('ends a sentence at . ! ? ; followed by any white space, so the evidence’s own cue wins', () => {
    const c2 = compileMatcher([measure('m', 'sanction*', { requires: 'russia*' })]);
    const stage = (sep: string) =>
      c2.classify({
        title: 'x',
        summary: `Ministers adopted rules${sep}Sanctions on Russia were the subject of lengthy talks`,
      })[0]?.stage;
    // Split: "talks" is in the evidence's sentence. Not split: the nearer "adopted" wins.
    for (const sep of ['. ', '.\u00a0', ';\u3000', '!\t', '?\n', '.\u2028', '.\ufeff'])
      expect(stage(sep)).toBe('negotiated');
    for (const sep of ['.', ', ', '.\u200b', ' - ']) expect(stage(sep)).toBe('adopted');
  });
});

describe('OR-lists across items and fields', () => {
  const long = Array.from({ length: 20 }, (_, i) => `word${String.fromCharCode(97 + i)}`);
  const c = compileMatcher([
    measure('long', `title:(${long.join(' OR ')})`),
    measure('short', 'summary:(alpha OR beta) AND gamma'),
  ]);
  const ids = (title: string, summary: string) => c.classify({ title, summary }).map((m) => m.measureId);
  it('tests long and short lists per field, with nothing left over from the previous item', () => {
    expect(ids('worda and gamma', 'beta')).toEqual(['long', 'short']);
    // The same atoms in the other fields: neither list holds any more.
    expect(ids('beta gamma', 'worda')).toEqual([]);
    expect(ids('x', 'wordt gamma')).toEqual([]);
    expect(ids('wordt', 'alpha gamma')).toEqual(['long', 'short']);
    expect(ids('nothing', 'here')).toEqual([]);
  });
});
