import { describe, expect, it } from 'vitest';
import {
  feedHealth,
  feedHealthReport,
  medianGapMs,
  typicalIntervalMs,
} from '../../../../shared/domain/feed-health.js';
import type { FeedState } from '../../../../shared/domain/types.js';

const HOUR = 3600_000;
const NOW = new Date('2026-11-29T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const state = (overrides: Partial<FeedState> = {}): FeedState => ({
  feedId: 'wire',
  url: 'https://wire.example/rss',
  etag: null,
  lastModified: null,
  lastPollAt: ago(5 * 60_000),
  lastSuccessAt: ago(5 * 60_000),
  lastErrorAt: null,
  lastError: null,
  consecutiveFailures: 0,
  nextDueAt: null,
  itemsLastSeen: 20,
  lastNewItemAt: ago(HOUR),
  ...overrides,
});

describe('feedHealth', () => {
  it('says never-polled for a feed without state or without a poll', () => {
    expect(feedHealth(null, NOW)).toBe('never-polled');
    expect(feedHealth(state({ lastPollAt: null }), NOW)).toBe('never-polled');
  });

  it('says failing from the third consecutive failure, even while also stale', () => {
    expect(feedHealth(state({ consecutiveFailures: 2 }), NOW)).toBe('ok');
    expect(feedHealth(state({ consecutiveFailures: 3 }), NOW)).toBe('failing');
    const both = feedHealthReport(
      state({ consecutiveFailures: 4, lastNewItemAt: ago(30 * 24 * HOUR), typicalIntervalMs: HOUR }),
      NOW,
    );
    expect(both).toMatchObject({ health: 'failing', failing: true, stale: true });
  });

  it('flags a busy feed stale after max(24 h, 5 × its typical interval) of silence', () => {
    // Typical interval 1 h: the 24 h floor applies.
    expect(feedHealth(state({ typicalIntervalMs: HOUR, lastNewItemAt: ago(23 * HOUR) }), NOW)).toBe('ok');
    expect(feedHealth(state({ typicalIntervalMs: HOUR, lastNewItemAt: ago(25 * HOUR) }), NOW)).toBe('stale');
    // Typical interval 10 h: 50 h.
    expect(feedHealth(state({ typicalIntervalMs: 10 * HOUR, lastNewItemAt: ago(49 * HOUR) }), NOW)).toBe(
      'ok',
    );
    expect(feedHealth(state({ typicalIntervalMs: 10 * HOUR, lastNewItemAt: ago(51 * HOUR) }), NOW)).toBe(
      'stale',
    );
  });

  it('gives a weekly feed five weeks before calling it stale', () => {
    const weekly = state({ typicalIntervalMs: 7 * 24 * HOUR, lastNewItemAt: ago(20 * 24 * HOUR) });
    expect(feedHealthReport(weekly, NOW)).toMatchObject({ health: 'ok', staleAfterMs: 35 * 24 * HOUR });
  });

  it('falls back to 7 days (or the given threshold) while the typical interval is unknown', () => {
    expect(feedHealth(state({ lastNewItemAt: ago(6 * 24 * HOUR) }), NOW)).toBe('ok');
    expect(feedHealth(state({ lastNewItemAt: ago(8 * 24 * HOUR) }), NOW)).toBe('stale');
    expect(feedHealth(state({ lastNewItemAt: ago(3 * HOUR) }), NOW, 2 * HOUR)).toBe('stale');
    expect(
      feedHealth(state({ lastNewItemAt: ago(3 * HOUR), typicalIntervalMs: null }), NOW, {
        staleAfterMs: 4 * HOUR,
      }),
    ).toBe('ok');
  });

  it('measures silence from the last success when no item was ever new', () => {
    const report = feedHealthReport(state({ lastNewItemAt: null, lastSuccessAt: ago(2 * HOUR) }), NOW);
    expect(report).toMatchObject({ health: 'ok', silentForMs: 2 * HOUR });
  });
});

describe('typical interval', () => {
  it('is the median gap between distinct published times', () => {
    const times = [
      '2026-11-29T00:00:00Z',
      '2026-11-29T01:00:00Z',
      '2026-11-29T03:00:00Z',
      '2026-11-29T03:30:00Z',
      null,
      'garbage',
    ];
    expect(medianGapMs(times)).toBe(HOUR);
    expect(
      medianGapMs([
        '2026-11-29T00:00:00Z',
        '2026-11-29T02:00:00Z',
        '2026-11-29T03:00:00Z',
        '2026-11-29T07:00:00Z',
        '2026-11-29T07:00:00Z',
      ]),
    ).toBe(2 * HOUR);
  });

  it('needs two gaps; otherwise the new-item arrivals decide, else the previous value stays', () => {
    expect(medianGapMs(['2026-11-29T00:00:00Z', '2026-11-29T05:00:00Z'])).toBeNull();
    const arrivals = ['2026-11-29T00:00:00Z', '2026-11-29T06:00:00Z', '2026-11-29T12:00:00Z'];
    expect(typicalIntervalMs({ published: [null, null], arrivals, previous: HOUR })).toBe(6 * HOUR);
    expect(typicalIntervalMs({ published: [null], arrivals: arrivals.slice(0, 2), previous: HOUR })).toBe(
      HOUR,
    );
    expect(typicalIntervalMs({ published: [], arrivals: [], previous: null })).toBeNull();
  });
});
