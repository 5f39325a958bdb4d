import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../../../../shared/domain/feed/dates.js';

describe('parseFeedDate', () => {
  it.each([
    ['Sat, 07 Jan 2017 14:39:39 +0100', '2017-01-07T13:39:39.000Z'],
    ['Tue, 3 Jun 2025 10:00:00 GMT', '2025-06-03T10:00:00.000Z'],
    ['Sun, 19 May 02 15:21:36 EDT', '2002-05-19T19:21:36.000Z'],
    ['Tue, 15 Nov 2022 20:15:04 Z', '2022-11-15T20:15:04.000Z'],
    ['2020/1/10 14:33:00', '2020-01-10T14:33:00.000Z'],
    ['2026-09-24T09:49:08+01:00', '2026-09-24T08:49:08.000Z'],
    ['2018-11-19T21:45:04.398Z', '2018-11-19T21:45:04.398Z'],
    ['2004-01-01', '2004-01-01T00:00:00.000Z'],
    ['20040101T101010Z', '2004-01-01T10:10:10.000Z'],
    ['January 7, 2017 3:05 pm EST', '2017-01-07T20:05:00.000Z'],
    ['  Mon, 22 Jan 2018 07:27:32  +0300 ', '2018-01-22T04:27:32.000Z'],
  ])('reads %j', (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });

  it('assumes UTC when the zone is missing (never the machine time zone)', () => {
    expect(parseFeedDate('Sat, 07 Jan 2017 14:39:39')).toBe('2017-01-07T14:39:39.000Z');
  });

  it.each(['', 'yesterday', '2017-13-45', 'Sat, 07 Foo 2017 14:39:39 GMT', '32 Jan 2017', 'x'.repeat(500)])(
    'returns null for %j',
    (input) => {
      expect(parseFeedDate(input)).toBeNull();
    },
  );
});
