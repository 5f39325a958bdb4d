import { describe, expect, it } from 'vitest';
import {
  bucketMayHold,
  compareKeys,
  decodeMatchCursor,
  encodeMatchCursor,
  isInBounds,
  matchSortKey,
  monthBucket,
  resolveMatchQuery,
  stripUndefined,
} from '../../../../../shared/adapters/dynamodb/cursor.js';

const position = { published: '2025-01-20T12:00:00.000Z', itemKey: 'item/ü#1', measureId: 'm-oil' };

describe('match cursor', () => {
  it('round-trips a position through a URL-safe string', () => {
    const cursor = encodeMatchCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeMatchCursor(cursor)).toStrictEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['missing item key', Buffer.from('{"v":1,"p":"x","m":"m"}').toString('base64url')],
    ['numeric fields', Buffer.from('{"v":1,"p":1,"i":2,"m":3}').toString('base64url')],
    ['other version', Buffer.from('{"v":9,"p":"x","i":"i","m":"m"}').toString('base64url')],
    ['far too long', 'a'.repeat(5000)],
  ])('rejects a cursor that is %s with INVALID_CURSOR', (_why, cursor) => {
    expect(() => decodeMatchCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });
});

describe('resolveMatchQuery', () => {
  it('uses the earlier of until and the cursor as the exclusive upper bound', () => {
    const cursor = encodeMatchCursor(position);
    expect(resolveMatchQuery({ limit: 5, until: '2025-03-01', cursor }).upper).toBe(matchSortKey(position));
    expect(resolveMatchQuery({ limit: 5, until: '2025-01-01', cursor }).upper).toBe('2025-01-01');
  });

  it('marks ranges that cannot hold a row as empty', () => {
    expect(resolveMatchQuery({ limit: 5, since: '2025-02', until: '2025-02' }).empty).toBe(true);
    expect(resolveMatchQuery({ limit: 5, until: '' }).empty).toBe(true);
    expect(resolveMatchQuery({ limit: 5, since: '', until: '2025' })).toMatchObject({
      lower: undefined,
      empty: false,
    });
  });

  it.each([0, -3, 2.5, Number.POSITIVE_INFINITY])('rejects limit %s with INVALID_QUERY', (limit) => {
    expect(() => resolveMatchQuery({ limit })).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });
});

describe('sort keys and buckets', () => {
  it('treats ISO bounds on the sort key exactly like bounds on published', () => {
    const key = matchSortKey({ ...position, published: '2025-01-01T00:00:00.000Z' });
    expect(isInBounds(key, { lower: '2025-01-01T00:00:00.000Z', upper: undefined })).toBe(true);
    expect(isInBounds(key, { lower: undefined, upper: '2025-01-01T00:00:00.000Z' })).toBe(false);
    expect(isInBounds(key, { lower: '2025-01', upper: '2025-01-01T00:00:00.001Z' })).toBe(true);
  });

  it('buckets by month and skips only buckets that cannot hold a row in range', () => {
    expect(monthBucket(matchSortKey(position))).toBe('2025-01');
    const bounds = { lower: '2024-12-15T00:00:00.000Z', upper: '2025-01-20T00:00:00.000Z' };
    const months = ['2024-11', '2024-12', '2025-01', '2025-02', '2025-03'];
    expect(months.filter((b) => bucketMayHold(b, bounds))).toStrictEqual(['2024-12', '2025-01']);
    // Conservative at an upper bound on a month start: '2025-02' may hold a key below '2025-02-01…'.
    expect(bucketMayHold('2025-02', { lower: undefined, upper: '2025-02-01T00:00:00.000Z' })).toBe(true);
    expect(bucketMayHold('2025-02', { lower: undefined, upper: '2025-02' })).toBe(false);
  });

  it('orders keys by UTF-8 bytes, as DynamoDB does', () => {
    // U+FF5E is one UTF-16 unit above the surrogates of U+1F6A2 but below it in UTF-8.
    expect('\uFF5E' > '🚢').toBe(true);
    expect(compareKeys('\uFF5E', '🚢')).toBeLessThan(0);
  });
});

describe('stripUndefined', () => {
  it('drops undefined deep in objects and arrays and keeps nulls, without aliasing', () => {
    const input = { a: undefined, b: null, c: [1, undefined, { d: undefined, e: 0 }] };
    const out = stripUndefined(input);
    expect(out).toStrictEqual({ b: null, c: [1, { e: 0 }] });
    expect(out.c).not.toBe(input.c);
  });
});
