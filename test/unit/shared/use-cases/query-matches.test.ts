import { describe, expect, it } from 'vitest';
import type { MatchQuery } from '../../../../shared/ports/index.js';
import { QueryValidationError, queryMatches } from '../../../../shared/use-cases/query-matches.js';

function recorder() {
  const calls: MatchQuery[] = [];
  return {
    calls,
    matches: {
      putMatches: async () => {},
      getMatchesForItem: async () => [],
      queryMatches: async (q: MatchQuery) => {
        calls.push(q);
        return { matches: [], cursor: null };
      },
    },
  };
}

describe('queryMatches', () => {
  it('normalises dates to full ISO and passes ids, limit and cursor through', async () => {
    const r = recorder();
    await queryMatches(r, {
      measure: 'ru-banks',
      feed: 'ofsi',
      since: '2026-01-01',
      until: '2026-02-01T12:00:00Z',
      limit: '20',
      cursor: 'abc_-1',
    });
    expect(r.calls[0]).toEqual({
      measureId: 'ru-banks',
      feedId: 'ofsi',
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-02-01T12:00:00.000Z',
      limit: 20,
      cursor: 'abc_-1',
    });
  });

  it('uses the default limit when none is given', async () => {
    const r = recorder();
    await queryMatches(r, {}, { limit: 7 });
    expect(r.calls[0]?.limit).toBe(7);
  });

  it.each([
    [{ limit: '0' }, 'limit: expected an integer from 1 to 1000, got "0"'],
    [{ limit: '2.5' }, 'limit: expected an integer'],
    [{ limit: 'ten' }, 'limit: expected an integer'],
    [{ since: 'yesterday' }, 'since: expected an ISO 8601 date or date-time, got "yesterday"'],
    [{ until: '2026-13-45' }, 'until: not a valid date'],
    [{ since: '2026-02-01', until: '2026-01-01' }, 'since: must be before until'],
    [{ measure: 'DROP TABLE' }, 'measure: expected an id'],
    [{ feed: '../etc' }, 'feed: expected an id'],
    [{ cursor: 'not base64!' }, 'cursor: malformed cursor'],
  ])('rejects %j naming the parameter', async (input, message) => {
    const r = recorder();
    const err = await queryMatches(r, input).catch((e) => e);
    expect(err).toBeInstanceOf(QueryValidationError);
    expect(err.message).toContain(message);
    expect(r.calls).toHaveLength(0);
  });
});
