import { describe, expect, it } from 'vitest';
import { foldText, tokenize } from '../../../../../shared/domain/classifier/normalise.js';
import { stem } from '../../../../../shared/domain/classifier/stem.js';

describe('foldText', () => {
  it('folds case', () => expect(foldText('SANCTIONS Sanctions')).toBe('sanctions sanctions'));
  it('strips accents (NFKD + marks)', () =>
    expect(foldText('Négociations Müller Łódź')).toBe('negociations muller lodz'));
  it('folds full-width characters', () => expect(foldText('ＳＡＮＣＴＩＯＮＳ ＥＵ')).toBe('sanctions eu'));
  it('folds Cyrillic ё to е and keeps Cyrillic letters', () =>
    expect(foldText('Ёлка САНКЦИИ')).toBe('елка санкции'));
  it('maps letters NFKD does not decompose', () => expect(foldText('Straße Ærø ґ')).toBe('strasse aero г'));
  it('drops an English possessive but splits other apostrophes', () => {
    expect(foldText("Russia's oil, l'UE")).toBe('russia oil l ue');
  });
  it('splits hyphenated words and joins across a soft hyphen', () => {
    expect(foldText('price-cap sanc\u00adtions')).toBe('price cap sanctions');
  });
  it('keeps symbols with letters in their compatibility form as separators', () => {
    expect(foldText('Пакет №19 Sberbank™')).toBe('пакет 19 sberbank');
    expect(foldText('ﬁnes ²')).toBe('fines 2');
  });
});

describe('tokenize', () => {
  it('gives offsets into the original text, not the folded one', () => {
    const text = 'Ｇ７ agrees: Łódź';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(['g7', 'agrees', 'lodz']);
    for (const t of tokens) expect(foldText(text.slice(t.start, t.end))).toBe(t.text);
  });
  it('handles astral characters and combining marks already decomposed', () => {
    const text = 'cafe\u0301 😀 ok';
    expect(tokenize(text)).toEqual([
      { text: 'cafe', start: 0, end: 5 },
      { text: 'ok', start: 9, end: 11 },
    ]);
  });
});

describe('stem', () => {
  it.each([
    ['sanctions', 'sanction'],
    ['sanctioned', 'sanction'],
    ['sanctioning', 'sanction'],
    ['capped', 'cap'],
    ['caps', 'cap'],
    ['agreed', 'agre'],
    ['agreeing', 'agre'],
    ['agree', 'agre'],
    ['seizes', 'seiz'],
    ['seizing', 'seiz'],
    ['companies', 'company'],
    ['embargoes', 'embargo'],
    ['taxes', 'tax'],
  ])('%s → %s', (word, expected) => expect(stem(word)).toBe(expected));
  it('leaves short words, exceptions and non-ASCII words alone', () => {
    expect(stem('us')).toBe('us');
    expect(stem('news')).toBe('news');
    expect(stem('sankcji')).toBe('sankcji');
    expect(stem('санкции')).toBe('санкции');
  });
});
