import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeasureQueryError } from '../../../../../shared/domain/classifier/errors.js';
import { tokenize } from '../../../../../shared/domain/classifier/normalise.js';
import { parseQuery } from '../../../../../shared/domain/classifier/query-parser.js';

function error(query: string): MeasureQueryError {
  try {
    parseQuery(query, 'm1', 'query');
  } catch (err) {
    if (err instanceof MeasureQueryError) return err;
    throw err;
  }
  throw new Error(`expected "${query}" to fail`);
}

describe('parseQuery', () => {
  it('gives NOT precedence over AND and AND over OR', () => {
    expect(parseQuery('a OR b c NOT d', 'm', 'query')).toEqual({
      kind: 'or',
      children: [
        { kind: 'term', word: { text: 'a', prefix: false, exact: false, leading: false }, source: 'a' },
        {
          kind: 'and',
          children: [
            { kind: 'term', word: { text: 'b', prefix: false, exact: false, leading: false }, source: 'b' },
            { kind: 'term', word: { text: 'c', prefix: false, exact: false, leading: false }, source: 'c' },
            {
              kind: 'not',
              child: {
                kind: 'term',
                word: { text: 'd', prefix: false, exact: false, leading: false },
                source: 'd',
              },
            },
          ],
        },
      ],
    });
  });
  it('turns a hyphenated term into a phrase and quoted words into exact words', () => {
    expect(parseQuery('lng-2', 'm', 'query')).toMatchObject({
      kind: 'phrase',
      words: [{ text: 'lng' }, { text: '2' }],
    });
    expect(parseQuery('"price caps"', 'm', 'query')).toMatchObject({
      kind: 'phrase',
      words: [
        { text: 'price', exact: true },
        { text: 'caps', exact: true },
      ],
    });
  });
  it('reads prefixes, NEAR/n and field scopes', () => {
    expect(parseQuery('title:(sankcj* NEAR/3 rosj*)', 'm', 'query')).toMatchObject({
      kind: 'field',
      field: 'title',
      child: { kind: 'near', distance: 3, left: { word: { text: 'sankcj', prefix: true } } },
    });
  });
  it('reads a leading "*" as a word end (`*word`) or, with a trailing one, an inner word (`*word*`)', () => {
    expect(parseQuery('*verbot*', 'm', 'query')).toEqual({
      kind: 'term',
      word: { text: 'verbot', prefix: true, exact: false, leading: true },
      source: '*verbot*',
    });
    expect(parseQuery('*Liste', 'm', 'query')).toMatchObject({
      kind: 'term',
      word: { text: 'liste', prefix: false, exact: false, leading: true },
    });
    // Folded like item text: umlauts, Cyrillic capitals.
    expect(parseQuery('*ZÖLLE* OR *САНКЦ*', 'm', 'query')).toMatchObject({
      kind: 'or',
      children: [{ word: { text: 'zolle', leading: true } }, { word: { text: 'санкц', leading: true } }],
    });
  });
  it('names the measure, clause, 1-based position and what was expected', () => {
    const e = error('(sberbank OR vtb');
    expect(e.message).toBe('measure "m1" query: at position 17: expected ")" but found end of query');
    expect(e).toMatchObject({
      code: 'MEASURE_QUERY',
      measureId: 'm1',
      clause: 'query',
      position: 17,
      expected: '")"',
    });
  });
  it.each([
    ['a OR', 5, 'a term, a "phrase" or "("'],
    ['a )', 3, 'an operator or end of query'],
    ['"open phrase', 13, "a closing '\"'"],
    ['a NEAR/0 b', 3, '"NEAR/n" with n from 1 to 1000'],
    ['a NEAR/2 (b AND c)', 10, 'a term, phrase or OR-group of terms as the right operand of NEAR'],
    ['sanc*tion', 5, 'a "*" only at the start or end of a word'],
    ['*sanc*tion', 6, 'a "*" only at the start or end of a word'],
    ['oil OR *ab*', 8, 'at least 3 letters after a leading "*"'],
    ['*lng-2*', 1, 'one word (letters or digits) after a leading "*"'],
    ['*', 1, 'one word (letters or digits) after a leading "*"'],
    ['"oil *verbot"', 6, 'a leading "*" only in a one-word term outside quotes'],
    ['"*verbot"', 2, 'a leading "*" only in a one-word term outside quotes'],
    ['s*', 1, 'at least 2 letters before "*"'],
    ['body:(x)', 1, 'a field scope "title:" or "summary:" or a term without ":"'],
    ['', 1, 'a term, a "phrase" or "("'],
  ])('rejects %j at position %i', (query, position, expected) => {
    const e = error(query);
    expect(e.position).toBe(position);
    expect(e.expected).toBe(expected);
  });
});

describe('term words', () => {
  it('fold every term like item text (the lower-case ASCII shortcut included) (property)', () => {
    const piece = fc.oneof(
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
      fc.constantFrom('Sanctions', 'ŁÓDŹ', 'ＳＡＮ', 'санкц', 'g-7', 'u.s', 'café', 'ß'),
    );
    fc.assert(
      fc.property(piece, fc.boolean(), (w, wantStar) => {
        // A prefix needs two letters before its "*".
        const star = wantStar && (tokenize(w).at(-1)?.text.length ?? 0) >= 2;
        const node = parseQuery(star ? `${w}*` : w, 'm', 'query');
        const words = node.kind === 'term' ? [node.word] : node.kind === 'phrase' ? node.words : [];
        expect(words.map((x) => x.text)).toEqual(tokenize(w).map((t) => t.text));
        expect(words.map((x) => x.prefix)).toEqual(words.map((_, i) => star && i === words.length - 1));
      }),
      { numRuns: 500 },
    );
  });
});
