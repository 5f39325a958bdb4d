import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bandKeys,
  compareStories,
  estimatedJaccard,
  jaccard,
  minhashSignature,
  numbersCompatible,
  STORY_SIGNATURE,
  type StoryFingerprint,
  storyFeatures,
  storyFingerprint,
  stripSourceSuffix,
  titleNames,
  titleNumbers,
} from '../../../../shared/domain/story.js';

type Side = { title: string; summary?: string };
const T0 = '2025-09-08T10:00:00.000Z';
const fp = (side: Side, published = T0): StoryFingerprint => {
  const f = storyFingerprint({ title: side.title, summary: side.summary ?? null }, published);
  if (!f) throw new Error(`no fingerprint for ${side.title}`);
  return f;
};
const sharedBands = (a: StoryFingerprint, b: StoryFingerprint) => {
  const mine = new Set(bandKeys(a.signature));
  return bandKeys(b.signature).filter((key) => mine.has(key)).length;
};

// Hand-written pairs in the style of real wire copy (synthetic text, no external source).
const SAME_STORY: Array<[string, Side, Side]> = [
  [
    'syndicated copy with an outlet suffix',
    {
      title: 'EU adopts 19th sanctions package against Russia',
      summary:
        'The European Union on Thursday adopted its 19th package of sanctions against Russia, targeting liquefied natural gas imports, shadow fleet tankers and banks in third countries.',
    },
    {
      title: 'EU adopts 19th sanctions package against Russia - Reuters',
      summary:
        'BRUSSELS (Reuters) - The European Union adopted its 19th package of sanctions against Russia on Thursday, banning imports of Russian liquefied natural gas and listing more shadow fleet tankers.',
    },
  ],
  [
    'title only, with a pipe suffix',
    { title: 'US sanctions Sberbank and VTB in new Russia package' },
    { title: 'US sanctions Sberbank and VTB in new Russia package | Reuters' },
  ],
  [
    're-worded title and summary',
    {
      title: 'EU adopts 19th package of sanctions against Russia',
      summary:
        'EU member states approved the 19th round of sanctions, which phases out Russian LNG imports by 2027 and adds 118 vessels to the shadow fleet list.',
    },
    {
      title: 'EU approves 19th sanctions package on Russia, phasing out LNG imports',
      summary:
        'The bloc approved its 19th round of sanctions on Moscow, phasing out imports of Russian LNG by 2027 and adding 118 shadow fleet vessels to its list.',
    },
  ],
  [
    're-worded, G7 loan',
    {
      title: 'G7 agrees to use frozen Russian assets to fund Ukraine loan',
      summary:
        'Group of Seven leaders agreed to use profits from frozen Russian central bank assets to back a loan to Ukraine.',
    },
    {
      title: 'G7 leaders agree Ukraine loan backed by frozen Russian assets',
      summary:
        'Leaders of the G7 agreed on a loan for Ukraine backed by the profits of frozen Russian central bank assets, officials said.',
    },
  ],
  [
    'extended title naming more',
    {
      title: 'Treasury sanctions shadow fleet tankers carrying Russian oil',
      summary:
        'The US Treasury imposed sanctions on tankers and shipping companies it said were part of a shadow fleet carrying Russian oil above the price cap.',
    },
    {
      title: 'US Treasury targets shadow fleet tankers shipping Russian oil above price cap',
      summary:
        'The Treasury Department sanctioned tankers and ship managers accused of carrying Russian oil above the G7 price cap as part of a shadow fleet.',
    },
  ],
  [
    'extended title adding a number',
    { title: 'Japan freezes assets of Russian banks' },
    { title: 'Japan freezes assets of Russian banks, adds 20 people to sanctions list' },
  ],
  [
    'UK and Britain',
    {
      title: 'UK sanctions Russian oligarch’s yacht company',
      summary:
        'Britain has imposed sanctions on a company that manages the superyacht of a Russian oligarch, the Foreign Office said.',
    },
    {
      title: 'Britain sanctions company managing Russian oligarch yacht',
      summary:
        'The UK imposed sanctions on a firm that manages a superyacht owned by a Russian oligarch, according to the Foreign Office.',
    },
  ],
  [
    'Swiss and Switzerland',
    {
      title: 'Swiss adopt EU’s latest sanctions against Russia',
      summary:
        'Switzerland said on Friday it would adopt the latest package of European Union sanctions against Russia.',
    },
    {
      title: 'Switzerland adopts latest EU sanctions against Russia',
      summary:
        'Switzerland will adopt the European Union’s latest package of sanctions against Russia, the government said on Friday.',
    },
  ],
  [
    'accents folded, agency suffix',
    { title: 'Unión Europea aprueba el paquete 19 de sanciones contra Rusia' },
    { title: 'Union Europea aprueba el paquete 19 de sanciones contra Rusia - EFE' },
  ],
  [
    'market story re-worded',
    {
      title: 'Oil prices rise after EU agrees ban on Russian crude imports',
      summary:
        'Brent crude rose 2% after European Union leaders agreed to ban most imports of Russian crude oil by the end of the year.',
    },
    {
      title: 'Oil climbs as EU leaders agree to ban most Russian crude imports',
      summary:
        'Oil prices climbed on Tuesday after EU leaders agreed to ban most Russian crude oil imports by the end of the year, with Brent up 2%.',
    },
  ],
  [
    'proposal re-worded',
    {
      title: 'EU to ban Russian LNG imports by 2027 under new plan',
      summary:
        'The European Commission proposed to ban imports of Russian liquefied natural gas by the end of 2027.',
    },
    {
      title: 'EU proposes banning Russian LNG imports by end of 2027',
      summary:
        'The Commission proposed a ban on Russian liquefied natural gas imports by the end of 2027 under a new plan.',
    },
  ],
  [
    'teapot refinery re-worded',
    {
      title: 'US imposes sanctions on Chinese refinery buying Iranian oil',
      summary:
        'The United States imposed sanctions on a Chinese independent refinery it accused of buying Iranian crude oil.',
    },
    {
      title: 'US sanctions Chinese teapot refinery over Iranian oil purchases',
      summary:
        'The US imposed sanctions on an independent Chinese refinery, a so-called teapot, accused of buying Iranian oil.',
    },
  ],
];

const DIFFERENT_STORIES: Array<[string, Side, Side, 'text' | 'numbers' | 'names']> = [
  [
    'two different EU packages',
    {
      title: 'EU adopts 19th sanctions package against Russia',
      summary:
        'The European Union adopted its 19th package of sanctions against Russia, targeting LNG and the shadow fleet.',
    },
    {
      title: 'EU adopts 20th sanctions package against Russia',
      summary:
        'The European Union adopted its 20th package of sanctions against Russia, targeting LNG and the shadow fleet.',
    },
    'numbers',
  ],
  [
    'ordinal word against digits',
    { title: 'EU adopts nineteenth sanctions package against Russia' },
    { title: 'EU adopts 20th sanctions package against Russia' },
    'numbers',
  ],
  [
    'same template, different targets, templated summaries',
    {
      title: 'US sanctions Sberbank',
      summary:
        'The Treasury Department imposed full blocking sanctions on Sberbank, Russia’s largest lender.',
    },
    {
      title: 'US sanctions VTB',
      summary:
        'The Treasury Department imposed full blocking sanctions on VTB, Russia’s second-largest lender.',
    },
    'names',
  ],
  ['same template, titles only', { title: 'US sanctions Sberbank' }, { title: 'US sanctions VTB' }, 'names'],
  [
    'same template, two oligarchs',
    {
      title: 'UK sanctions Russian oligarch Roman Abramovich',
      summary: 'The UK froze the assets of Roman Abramovich.',
    },
    {
      title: 'UK sanctions Russian oligarch Oleg Deripaska',
      summary: 'The UK froze the assets of Oleg Deripaska.',
    },
    'names',
  ],
  [
    'same template, another country',
    {
      title: 'US imposes new sanctions on Iranian oil shipping network',
      summary: 'The Treasury targeted a network of ships moving Iranian oil to China.',
    },
    {
      title: 'US imposes new sanctions on Russian oil shipping network',
      summary: 'The Treasury targeted a network of ships moving Russian oil to India.',
    },
    'names',
  ],
  [
    'opposite market moves',
    {
      title: 'Oil prices rise as OPEC+ weighs output cuts',
      summary: 'Brent rose on reports that OPEC+ may cut output.',
    },
    {
      title: 'Oil prices fall as OPEC+ agrees to raise output',
      summary: 'Brent fell after OPEC+ agreed to raise production.',
    },
    'text',
  ],
  [
    'another regime',
    {
      title: 'EU extends sanctions on Russia for six months',
      summary: 'EU leaders extended economic sanctions on Russia until the end of July.',
    },
    {
      title: 'EU extends sanctions on Belarus for a year',
      summary: 'The Council extended restrictive measures against Belarus until February.',
    },
    'text',
  ],
  [
    'rate decisions',
    { title: 'Russian central bank holds key rate at 16%' },
    { title: 'Russian central bank cuts key rate to 15%' },
    'numbers',
  ],
  [
    'unrelated senses of sanction',
    { title: 'Football federation sanctions club over crowd trouble' },
    { title: 'US sanctions Russian banks over Ukraine war' },
    'text',
  ],
];

describe('near-duplicate stories', () => {
  it.each(SAME_STORY)('finds one story: %s', (_name, a, b) => {
    const verdict = compareStories(fp(a), fp(b));
    expect(verdict).toMatchObject({ same: true });
    // The band lookup must also surface the pair, or the verdict would never be asked for.
    expect(sharedBands(fp(a), fp(b))).toBeGreaterThan(0);
    expect(compareStories(fp(b), fp(a))).toStrictEqual(verdict);
  });

  it.each(DIFFERENT_STORIES)('keeps two stories: %s', (_name, a, b, reason) => {
    expect(compareStories(fp(a), fp(b))).toMatchObject({ same: false, reason });
  });

  it('keeps the same text two stories when published more than 7 days apart', () => {
    const [, a, b] = SAME_STORY[0] as [string, Side, Side];
    expect(compareStories(fp(a, T0), fp(b, '2025-09-15T10:00:00.000Z'))).toMatchObject({ same: true });
    expect(compareStories(fp(a, T0), fp(b, '2025-09-15T10:00:01.000Z'))).toMatchObject({
      same: false,
      reason: 'time',
    });
  });

  it('scores every listed pair right (precision and recall 1 on this set)', () => {
    const merged = (pairs: Array<[string, Side, Side, ...unknown[]]>) =>
      pairs.filter(([, a, b]) => compareStories(fp(a), fp(b)).same && sharedBands(fp(a), fp(b)) > 0).length;
    expect(merged(SAME_STORY)).toBe(SAME_STORY.length);
    expect(merged(DIFFERENT_STORIES)).toBe(0);
  });
});

describe('story features', () => {
  it('folds case and accents, drops stopwords and the outlet suffix, and stems lightly', () => {
    expect(storyFeatures({ title: 'The EU Adopts Sanctions - Reuters', summary: null })).toStrictEqual([
      'adopt',
      'eu',
      'sanction',
    ]);
    expect(storyFeatures({ title: 'Zürich bans exports', summary: 'Banned exported' })).toStrictEqual([
      'ban',
      'export',
      'zurich',
    ]);
  });

  it('reads only the first 40 words of the summary', () => {
    const summary = `${Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ')} tail`;
    const features = storyFeatures({ title: null, summary });
    expect(features).toHaveLength(40);
    expect(features).not.toContain('tail');
  });

  it('strips only a short trailing outlet name', () => {
    expect(stripSourceSuffix('EU adopts package - Reuters')).toBe('EU adopts package');
    expect(stripSourceSuffix('EU adopts package | BBC News')).toBe('EU adopts package');
    expect(stripSourceSuffix('Oil – what the price cap means for the five biggest buyers')).toBe(
      'Oil – what the price cap means for the five biggest buyers',
    );
  });

  it('gives no fingerprint to an item with fewer than three features', () => {
    expect(storyFingerprint({ title: 'Update', summary: null }, T0)).toBeNull();
    expect(storyFingerprint({ title: null, summary: null }, T0)).toBeNull();
  });
});

describe('title numbers and names', () => {
  it('reads digits, ordinals and ordinal words, and ignores the outlet suffix', () => {
    expect(titleNumbers('EU adopts 19th package')).toStrictEqual(['19']);
    expect(titleNumbers('EU adopts nineteenth package')).toStrictEqual(['19']);
    expect(titleNumbers('G7 backs $50bn loan, 1,000 tankers')).toStrictEqual(['1000', '50', '7']);
    expect(titleNumbers('Sanctions news - Channel 4')).toStrictEqual([]);
    expect(titleNumbers(null)).toStrictEqual([]);
  });

  it('treats a subset of numbers as compatible and a substitution as not', () => {
    expect(numbersCompatible(['19'], ['118', '19'])).toBe(true);
    expect(numbersCompatible([], ['20'])).toBe(true);
    expect(numbersCompatible(['19'], ['20'])).toBe(false);
  });

  it('finds names mid-sentence and in capitals, but not the capitals of a Title Case headline', () => {
    expect(titleNames('US sanctions Sberbank and VTB')).toStrictEqual(['sberbank', 'us', 'vtb']);
    expect(titleNames('Treasury targets Russian oil')).toStrictEqual(['russian']);
    expect(titleNames('EU Urged To Make Banks Report Size Of Frozen Russian Assets')).toStrictEqual(['eu']);
  });
});

describe('MinHash', () => {
  it('is pinned: stored stories must keep matching after a restart or an upgrade', () => {
    const signature = minhashSignature(['19th', 'adopt', 'eu', 'packag', 'russia', 'sanction']) ?? [];
    expect(signature).toHaveLength(STORY_SIGNATURE.hashes);
    expect(signature.slice(0, 3)).toStrictEqual([71043313, 134260475, 1552990093]);
    expect(bandKeys(signature)[0]).toBe('0#915b97317d91bef5c108');
    expect(bandKeys(signature)).toHaveLength(STORY_SIGNATURE.bands);
  });

  it('does not depend on feature order or repeats', () => {
    expect(minhashSignature(['b', 'a', 'c', 'a'])).toStrictEqual(minhashSignature(['a', 'b', 'c']));
    expect(minhashSignature([])).toBeNull();
  });

  it('estimates the Jaccard similarity within 0.3 of the exact value', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 40 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 40 }),
        (a, b) => {
          const sa = minhashSignature(a) ?? [];
          const sb = minhashSignature(b) ?? [];
          expect(Math.abs(estimatedJaccard(sa, sb) - jaccard(a, b))).toBeLessThanOrEqual(0.3);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
